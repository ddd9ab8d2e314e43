/**
 * Files marked `git update-index --assume-unchanged` whose working-tree
 * content is not what the index holds. git's diff trusts the mark and never
 * names them, yet a check run by the pre-commit reads the file: the stash puts
 * them aside like any unstaged change, so the checks see what the commit
 * records, and the edit comes back afterwards with its mark. (Skip-worktree
 * files are left out: git's checkout does not write them.)
 */
import { decodeBytes } from './bytes.js';
import { algoOf, hashWorktreeFile, type Identity } from './snapshot.js';

/** An assume-unchanged index entry; its path as git's bytes in a latin1 string, as the stash keeps names. */
export interface AssumedEntry extends Identity {
  path: string;
}

/** Whether a byte-string path lies within a scope of literal paths (null: the whole tree). */
const within = (scope: readonly string[] | null, p: string) => !scope || scope.some((s) => p === s || p.startsWith(s.endsWith('/') ? s : `${s}/`));

/**
 * `[status, path]` pairs, as `git diff --name-status` gives them, for the
 * assume-unchanged entries that differ on disk from the index: `D` when gone,
 * `M` otherwise. Hashed as the snapshot hashes a changed file.
 */
export function assumedChanges(root: string, assumed: readonly AssumedEntry[], scope: readonly string[] | null): [string, string][] {
  const out: [string, string][] = [];
  for (const e of assumed) {
    if (e.mode === '160000' || !within(scope, e.path)) continue;
    const disk = hashWorktreeFile(root, decodeBytes(Buffer.from(e.path, 'latin1')), algoOf(e.oid));
    if (disk.oid === 'deleted') out.push(['D', e.path]);
    else if (disk.mode !== e.mode || disk.oid !== e.oid) out.push(['M', e.path]);
  }
  return out;
}
