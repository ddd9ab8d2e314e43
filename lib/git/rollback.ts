/**
 * The rollback point of automatic fixes. Before the first fix of a run, heph
 * records the working tree (the files fixes may write, or all of it) and the
 * index as git trees (rollback-snapshot.ts); after the run, both again. The
 * trees are kept in one commit object under a per-worktree ref, so git's
 * garbage collection keeps them and worktrees do not share them.
 *
 * `rollBack` reverts what the fixes changed and nothing else: a file the user
 * has not touched since gets its old content back; a file edited since gets
 * the fix's change taken out by a three-way merge (the user's edits stay); a
 * file whose edits overlap the fix is left as it is and reported.
 */
import { chmodSync, lstatSync, readFileSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git, gitText, splitZ } from './exec.js';
import { fsPath } from './bytes.js';
import { indexInfo, parseStageEntries, removedInfo } from './ls-files.js';

export const ROLLBACK_REF = 'refs/worktree/heph/rollback';

/** Git's commands here never recurse into submodules or read pathspecs as globs. */
export const NO_MAGIC = { GIT_LITERAL_PATHSPECS: '1' };
export const BASE = ['-c', 'submodule.recurse=false', '-c', 'core.hooksPath=/dev/null'];

export interface TreeSnapshot {
  /** The working tree: tracked files plus untracked, non-ignored ones. */
  worktree: string;
  /** The index, or null when it cannot be written as a tree (unmerged paths). */
  index: string | null;
}

export interface RollbackRecord {
  commit: string;
  at: number;
  /** Checks whose fixes ran. */
  checks: string[];
  before: TreeSnapshot;
  after: TreeSnapshot;
}

/**
 * Applies the put-aside changes to the working-tree index. The patch was made
 * against the staged entries; a path put aside that changed meanwhile (an
 * editor saving during the hook) gets its staged entry back first, so the
 * tree is the user's working tree from before the hook.
 */
export async function applyUnstaged(root: string, patch: string, env: Record<string, string>): Promise<void> {
  const apply = () => git([...BASE, 'apply', '--cached', '--binary', '--whitespace=nowarn', patch], { cwd: root, env, okCodes: [1] });
  if ((await apply()).code === 0) return;
  const stat = (await git([...BASE, 'apply', '--numstat', '-z', patch], { cwd: root, env })).stdout.toString('latin1');
  // -z numstat: "added\tdeleted\tpath\0", or "added\tdeleted\t\0old\0new\0" for a rename (none here: no rename detection).
  const paths = new Set(stat.split('\0').filter(Boolean).map((rec) => rec.split('\t').slice(2).join('\t')));
  const staged = parseStageEntries((await git(['ls-files', '-s', '-z'], { cwd: root })).stdout.toString('latin1'));
  const byPath = new Map(staged.map((e) => [e.path, e]));
  const setEntries = (recs: string[]) => git(['update-index', '-z', '--index-info'], { cwd: root, env, input: Buffer.from(recs.join('\0') + '\0', 'latin1') });
  await setEntries([...paths].map((p) => (byPath.has(p) ? indexInfo(byPath.get(p)!) : removedInfo(p))));
  let again = await apply();
  if (again.code !== 0) {
    // An intent-to-add entry (the empty blob) is a file the patch creates: it must not be there.
    await setEntries([...paths].filter((p) => byPath.get(p)?.oid === EMPTY_BLOB).map((p) => removedInfo(p)));
    again = await apply();
  }
  if (again.code !== 0) throw new Error(`git apply --cached ${patch} failed: ${again.stderr.trim()}`);
}

const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';

const NAMES = { before: 'before', after: 'after', beforeIndex: 'index-before', afterIndex: 'index-after' } as const;

/** While fixes run, the state before them: a kill -9 in the middle leaves it reachable under this ref. */
export const BEFORE_FIX_REF = 'refs/worktree/heph/before-fix';
/** Where the next heph command moves it after such a kill (and says so, once). */
export const KILLED_FIX_REF = 'refs/worktree/heph/before-killed-fix';

/** Records the state before the first fix under BEFORE_FIX_REF until the run saves its rollback point. */
export async function keepBeforeFix(root: string, before: TreeSnapshot, checks: string[]): Promise<void> {
  await saveRollback(root, before, before, checks, Date.now(), BEFORE_FIX_REF);
}

export async function dropBeforeFix(root: string): Promise<void> {
  await git(['update-ref', '-d', BEFORE_FIX_REF], { cwd: root, okCodes: [1] });
}

/** After a kill during fixes: moves the state from before them to KILLED_FIX_REF; true if there was one. */
export async function settleKilledFix(root: string): Promise<boolean> {
  const ref = await git(['rev-parse', '--verify', '--quiet', `${BEFORE_FIX_REF}^{commit}`], { cwd: root, okCodes: [1, 128] });
  if (ref.code !== 0) return false;
  await git(['update-ref', KILLED_FIX_REF, ref.stdout.toString().trim()], { cwd: root });
  await dropBeforeFix(root);
  return true;
}

/** Stores the rollback point (replacing the previous one); `drop`: a ref deleted in the same update. */
export async function saveRollback(root: string, before: TreeSnapshot, after: TreeSnapshot, checks: string[], at = Date.now(), ref = ROLLBACK_REF, drop?: string): Promise<string> {
  const trees: [string, string | null][] = [
    [NAMES.before, before.worktree],
    [NAMES.after, after.worktree],
    [NAMES.beforeIndex, before.index],
    [NAMES.afterIndex, after.index],
  ];
  const entries = trees.filter(([, id]) => id).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, id]) => `040000 tree ${id}\t${name}`);
  const tree = await gitText(['mktree'], { cwd: root, input: entries.join('\n') + '\n' });
  const message = `heph rollback point\n\n${JSON.stringify({ version: 1, at, checks })}\n`;
  const who = { GIT_AUTHOR_NAME: 'heph', GIT_AUTHOR_EMAIL: 'heph@localhost', GIT_COMMITTER_NAME: 'heph', GIT_COMMITTER_EMAIL: 'heph@localhost' };
  const commit = await gitText(['commit-tree', tree], { cwd: root, input: message, env: who });
  if (drop) await git(['update-ref', '-m', 'heph: before automatic fixes', '--stdin'], { cwd: root, input: `update ${ref} ${commit}\ndelete ${drop}\n` });
  else await git(['update-ref', '-m', 'heph: before automatic fixes', ref, commit], { cwd: root });
  return commit;
}

export async function readRollback(root: string): Promise<RollbackRecord | null> {
  const ref = await git(['rev-parse', '--verify', '--quiet', `${ROLLBACK_REF}^{commit}`], { cwd: root, okCodes: [1, 128] });
  if (ref.code !== 0) return null;
  const commit = ref.stdout.toString().trim();
  const body = await gitText(['cat-file', 'commit', commit], { cwd: root });
  const json = body.slice(body.indexOf('\n\n') + 2).split('\n').find((l) => l.startsWith('{'));
  const meta = json ? (JSON.parse(json) as { at: number; checks: string[] }) : { at: 0, checks: [] };
  const ls = splitZ((await git(['ls-tree', '-z', commit], { cwd: root })).stdout);
  const trees: Record<string, string> = Object.fromEntries(ls.map((l) => [l.slice(l.indexOf('\t') + 1), l.split(/\s/)[2]]));
  if (!trees[NAMES.before] || !trees[NAMES.after]) return null;
  return {
    commit,
    at: meta.at,
    checks: meta.checks ?? [],
    before: { worktree: trees[NAMES.before], index: trees[NAMES.beforeIndex] ?? null },
    after: { worktree: trees[NAMES.after], index: trees[NAMES.afterIndex] ?? null },
  };
}

export async function dropRollback(root: string): Promise<void> {
  await git(['update-ref', '-d', ROLLBACK_REF], { cwd: root, okCodes: [1] });
}

interface Change {
  path: string;
  /** Mode and blob before the fixes; null when the fixes created the file. */
  before: { mode: string; sha: string } | null;
  /** Mode and blob after the fixes; null when the fixes deleted the file. */
  after: { mode: string; sha: string } | null;
}

const ZERO = /^0+$/;

/** What the fixes changed between two trees (working trees, or indexes). */
async function treeChanges(root: string, from: string, to: string): Promise<Change[]> {
  const out = splitZ((await git(['diff-tree', '-r', '-z', '--no-renames', from, to], { cwd: root })).stdout);
  const changes: Change[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const [oldMode, newMode, oldSha, newSha] = out[i].slice(1).split(' ');
    changes.push({
      path: out[i + 1],
      before: ZERO.test(oldSha) ? null : { mode: oldMode, sha: oldSha },
      after: ZERO.test(newSha) ? null : { mode: newMode, sha: newSha },
    });
  }
  return changes;
}

/** The files the fixes changed in the working tree. */
export function fixedFiles(root: string, rec: RollbackRecord): Promise<Change[]> {
  return treeChanges(root, rec.before.worktree, rec.after.worktree);
}

/** The index entries the run changed (a pre-commit re-stages what fixes changed). */
export async function restagedEntries(root: string, rec: RollbackRecord): Promise<Change[]> {
  return rec.before.index && rec.after.index ? treeChanges(root, rec.before.index, rec.after.index) : [];
}

export interface RollbackOutcome {
  /** Restored to their content from before the fixes. */
  restored: string[];
  /** The fix's change was taken out; the user's later edits stay. */
  merged: string[];
  /** Already as before the fixes. */
  unchanged: string[];
  /** Left as they are: later edits overlap the fix, or the file changed type. */
  kept: { path: string; why: string }[];
  /** Index entries of re-staged fixes set back. */
  unstaged: string[];
}

/** The blob id git would give each file as it is in the working tree now (null: missing). */
async function currentBlobs(root: string, paths: string[]): Promise<Map<string, string | null>> {
  const result = new Map<string, string | null>();
  const present: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = lstatSync(fsPath(join(root, p)));
    } catch {
      result.set(p, null);
      continue;
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(fsPath(join(root, p)), { encoding: 'buffer' });
      result.set(p, await gitText(['hash-object', '--stdin'], { cwd: root, input: target }));
    } else if (!st.isFile()) result.set(p, null);
    else present.push(p);
  }
  // --stdin-paths reads one name per line: names holding a newline go one by one.
  const plain = present.filter((p) => !p.includes('\n'));
  if (plain.length) {
    const ids = (await gitText(['hash-object', '--stdin-paths'], { cwd: root, input: plain.join('\n') + '\n' })).split('\n');
    plain.forEach((p, i) => result.set(p, ids[i]));
  }
  for (const p of present.filter((p) => p.includes('\n'))) result.set(p, await gitText(['hash-object', '--', p], { cwd: root, env: NO_MAGIC }));
  return result;
}

async function blob(root: string, sha: string, path: string): Promise<Buffer> {
  // --filters applies the path's smudge and end-of-line conversion, as a checkout would.
  return (await git(['cat-file', '--filters', `--path=${path}`, sha], { cwd: root })).stdout;
}

async function writeEntry(root: string, path: string, entry: { mode: string; sha: string }): Promise<void> {
  const file = fsPath(join(root, path));
  rmSync(file, { force: true });
  mkdirSync(dirname(join(root, path)), { recursive: true });
  if (entry.mode === '120000') {
    symlinkSync((await git(['cat-file', 'blob', entry.sha], { cwd: root })).stdout, file);
    return;
  }
  writeFileSync(file, await blob(root, entry.sha, path));
  chmodSync(file, entry.mode === '100755' ? 0o755 : 0o644);
}

/** Takes the fix's change out of a file the user edited since: merge(current, base: after, theirs: before). */
async function unmerge(root: string, c: Change, tmp: string): Promise<Buffer | null> {
  const base = join(tmp, 'after');
  const theirs = join(tmp, 'before');
  // A copy under a plain name: argv cannot carry a name that is not UTF-8.
  const current = join(tmp, 'current');
  writeFileSync(current, readFileSync(fsPath(join(root, c.path))));
  writeFileSync(base, await blob(root, c.after!.sha, c.path));
  writeFileSync(theirs, await blob(root, c.before!.sha, c.path));
  const res = await git(['merge-file', '-p', '--quiet', current, base, theirs], { cwd: root, okCodes: Array.from({ length: 127 }, (_, i) => i + 1) });
  return res.code === 0 ? res.stdout : null;
}

export async function rollBack(root: string, changes: Change[], restaged: Change[]): Promise<RollbackOutcome> {
  const outcome: RollbackOutcome = { restored: [], merged: [], unchanged: [], kept: [], unstaged: [] };
  const current = await currentBlobs(root, changes.map((c) => c.path));
  const tmp = mkdtempSync(join(tmpdir(), 'heph-rollback-'));
  try {
    for (const c of changes) {
      const now = current.get(c.path) ?? null;
      if (now === (c.before?.sha ?? null)) outcome.unchanged.push(c.path);
      else if (now === (c.after?.sha ?? null)) {
        if (c.before) await writeEntry(root, c.path, c.before);
        else rmSync(fsPath(join(root, c.path)), { force: true });
        outcome.restored.push(c.path);
      } else if (now && c.before && c.after && c.before.mode !== '120000' && c.after.mode !== '120000') {
        const merged = await unmerge(root, c, tmp);
        if (merged) {
          writeFileSync(fsPath(join(root, c.path)), merged);
          outcome.merged.push(c.path);
        } else outcome.kept.push({ path: c.path, why: 'edited since, on the lines the fix changed' });
      } else outcome.kept.push({ path: c.path, why: now ? 'changed since the fixes' : 'deleted since the fixes' });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  outcome.unstaged = await restoreIndex(root, restaged);
  return outcome;
}

/**
 * Sets back the index entries the run changed, where they still hold what the
 * run left (an entry staged again since is the user's).
 */
async function restoreIndex(root: string, restaged: Change[]): Promise<string[]> {
  if (!restaged.length) return [];
  const paths = restaged.map((c) => c.path);
  const staged = parseStageEntries((await git(['ls-files', '-s', '-z', '--', ...paths], { cwd: root, env: NO_MAGIC })).stdout);
  const now = new Map(staged.map((e) => [e.path, e.oid]));
  const lines: string[] = [];
  const unstaged: string[] = [];
  for (const c of restaged) {
    if ((now.get(c.path) ?? null) !== (c.after?.sha ?? null)) continue;
    lines.push(c.before ? `${c.before.mode} ${c.before.sha}\t${c.path}` : `0 ${'0'.repeat(c.after!.sha.length)}\t${c.path}`);
    unstaged.push(c.path);
  }
  if (lines.length) await git(['update-index', '-z', '--index-info'], { cwd: root, input: lines.join('\0') + '\0' });
  return unstaged;
}
