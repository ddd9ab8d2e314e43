/**
 * The two records of a rollback point: the working tree and the index as git
 * trees, before the first fix of a run and after the run (rollback.ts keeps
 * them and undoes what changed between them).
 */
import { copyFileSync, existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitText } from './exec.js';
import { encodeBytes } from './bytes.js';
import { applyUnstaged, BASE, NO_MAGIC, type TreeSnapshot } from './rollback.js';

/**
 * Writes the working tree and the index as tree objects. The working tree goes
 * through a copy of the index (the real one is not touched). `unstagedPatch`:
 * while a pre-commit has unstaged changes put aside, the patch that holds
 * them, applied on top so the tree is the user's working tree.
 *
 * `scope`: the only paths fixes may write (exact bytes), or null for any. With
 * a scope, only those paths are read from the working tree; every other path
 * keeps its index entry in both records, before and after the fixes, so the
 * difference between them is the same as with a scan of the whole tree, at a
 * cost that follows the files given to fixes instead of the tree's size.
 * `patched` (returned): the paths the put-aside patch touches, which the
 * record after the run must read from the working tree as well.
 */
export async function snapshotTrees(root: string, unstagedPatch?: string | null, scope: Buffer[] | null = null, knownIndexFile?: string): Promise<TreeSnapshot & { patched: Buffer[]; indexFile: string }> {
  // The index's own tree is written beside the working tree's: both only read the index.
  const indexTree = git(['write-tree'], { cwd: root, okCodes: [128] }).then((r) => (r.code === 0 ? r.stdout.toString().trim() : null));
  indexTree.catch(() => {});
  const indexFile = knownIndexFile ?? (await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: root }));
  const tmp = mkdtempSync(join(tmpdir(), 'heph-snap-'));
  try {
    const tmpIndex = join(tmp, 'index');
    if (existsSync(indexFile)) copyFileSync(indexFile, tmpIndex);
    const env = { ...NO_MAGIC, GIT_INDEX_FILE: tmpIndex };
    if (scope) await addPaths(root, scope, env);
    else await git([...BASE, 'add', '-A', '--', '.'], { cwd: root, env });
    let patched: Buffer[] = [];
    if (unstagedPatch && existsSync(unstagedPatch)) {
      if (scope) patched = await patchPaths(root, unstagedPatch, env);
      await applyUnstaged(root, unstagedPatch, env);
    }
    const worktree = await gitText(['write-tree'], { cwd: root, env });
    return { worktree, index: await indexTree, patched, indexFile };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const NUL = Buffer.from([0]);
const SLASH = Buffer.from('/');
const nulList = (paths: Buffer[]) => Buffer.concat(paths.flatMap((p) => [p, NUL]));

/** Records these paths as they are in the working tree: present ones added, missing ones removed. */
async function addPaths(root: string, paths: Buffer[], env: Record<string, string>): Promise<void> {
  const present: Buffer[] = [];
  const missing: Buffer[] = [];
  for (const p of paths) {
    let there = true;
    try {
      lstatSync(Buffer.concat([encodeBytes(root), SLASH, p]));
    } catch {
      there = false;
    }
    (there ? present : missing).push(p);
  }
  const from = ['--pathspec-from-file=-', '--pathspec-file-nul', '--'];
  // Exit 1 is git naming paths that lie in an ignored directory: tracked files there are added all the
  // same, and only tracked (or staged) files are given to fixes. Worse failures exit 128.
  if (present.length) await git([...BASE, 'add', '-A', ...from], { cwd: root, env, input: nulList(present), okCodes: [1] });
  if (missing.length) await git([...BASE, 'rm', '--cached', '-q', '--ignore-unmatch', ...from], { cwd: root, env, input: nulList(missing) });
}

/** The paths a patch touches, as exact bytes (`-z` numstat: "added\tdeleted\tpath\0"). */
async function patchPaths(root: string, patch: string, env: Record<string, string>): Promise<Buffer[]> {
  const out = (await git([...BASE, 'apply', '--numstat', '-z', patch], { cwd: root, env })).stdout;
  const paths: Buffer[] = [];
  for (let at = 0; at < out.length; ) {
    let end = out.indexOf(0, at);
    if (end < 0) end = out.length;
    const rec = out.subarray(at, end);
    // A rename's record ends after its counts; its two names follow as records of their own.
    const tab = rec.indexOf(9) < 0 ? -1 : rec.indexOf(9, rec.indexOf(9) + 1);
    if (tab + 1 < rec.length) paths.push(Buffer.from(rec.subarray(tab + 1)));
    at = end + 1;
  }
  return paths;
}

