/**
 * Files marked `git update-index --assume-unchanged` whose working-tree
 * content is not what the index holds. git's diff trusts the mark and never
 * names them, yet a check run by the pre-commit reads the file: the stash puts
 * them aside like any unstaged change, so the checks see what the commit
 * records, and the edit comes back afterwards with its mark. (Skip-worktree
 * files are left out: git's checkout does not write them.)
 */
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { at } from './aside.js';
import { eachStageEntry } from './ls-files.js';
import { gitSync } from './stash-git.js';

/** Whether a byte-string path lies within a scope of literal paths (null: the whole tree). */
const within = (scope: readonly string[] | null, p: string) => !scope || scope.some((s) => p === s || p.startsWith(s.endsWith('/') ? s : `${s}/`));

function blob(content: Buffer, oidLen: number): string {
  return createHash(oidLen === 64 ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/**
 * `[status, path]` pairs, as `git diff --name-status` gives them, for the
 * assume-unchanged paths (byte strings) that differ on disk from their index
 * entry: `D` when gone, `M` otherwise.
 */
export function assumedChanges(root: string, assumed: readonly string[], scope: readonly string[] | null): [string, string][] {
  const wanted = new Set(assumed.filter((p) => within(scope, p)));
  if (!wanted.size) return [];
  const out: [string, string][] = [];
  eachStageEntry(gitSync(root, ['ls-files', '-s', '-z']).stdout.toString('latin1'), (mode, oid, stage, path) => {
    if (stage !== 0 || mode === '160000' || !wanted.has(path)) return;
    const abs = at(root, path);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      out.push(['D', path]);
      return;
    }
    if (st.isSymbolicLink()) {
      if (mode !== '120000' || blob(readlinkSync(abs, { encoding: 'buffer' }), oid.length) !== oid) out.push(['M', path]);
    } else if (!st.isFile() || mode !== (st.mode & 0o111 ? '100755' : '100644') || blob(readFileSync(abs), oid.length) !== oid) {
      out.push(['M', path]);
    }
  });
  return out;
}
