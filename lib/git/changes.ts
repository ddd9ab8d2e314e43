/**
 * Which files a git event concerns: the staged files of a commit, the files of
 * pushed commits, the files that differ between two revisions. All lists are
 * read with -z, so any file name arrives intact.
 */
import { git, gitText, splitZ } from './exec.js';
import { STAGED_ARGS } from './snapshot.js';

/** All-zero object ids (40 for SHA-1, 64 for SHA-256) mean "no object": a deletion, a new ref, a clone. */
export const isZero = (sha: string | undefined): boolean => !sha || /^0+$/.test(sha);

export async function hasHead(cwd: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '-q', 'HEAD'], { cwd, okCodes: [1] })).code === 0;
}

export async function revExists(cwd: string, rev: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd, okCodes: [1, 128] })).code === 0;
}

/**
 * Staged files that a commit adds, copies, modifies or renames (not deletes).
 * Reads the index git points us at (GIT_INDEX_FILE during `commit -a` and
 * `commit <paths>`); with no HEAD yet, everything staged is new.
 */
export async function stagedFiles(cwd: string): Promise<string[]> {
  const res = await git(STAGED_ARGS, { cwd });
  return splitZ(res.stdout);
}

/** Files that differ between two revisions (any change, deletions included). */
export async function changedBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const res = await git(['diff', '--name-only', '-z', '--no-renames', from, to], { cwd });
  return splitZ(res.stdout);
}

/**
 * Files changed by the commits a push sends for one ref: `remoteSha..localSha`
 * when the remote's commit is known here, otherwise every commit not yet on
 * the remote (a new branch), down to the root if need be.
 */
export async function pushedFiles(cwd: string, remote: string, localSha: string, remoteSha: string): Promise<string[]> {
  const range = !isZero(remoteSha) && (await revExists(cwd, remoteSha)) ? [`${remoteSha}..${localSha}`] : [localSha, '--not', `--remotes=${remote}`];
  const res = await git(['log', '--format=', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames', ...range, '--'], { cwd });
  return [...new Set(splitZ(res.stdout).map((s) => s.replace(/^\n+/, '')).filter(Boolean))].sort();
}

/** The absolute path git gives for something inside the git dir (hooks, ORIG_HEAD...). */
export async function gitPath(cwd: string, name: string): Promise<string> {
  return gitText(['rev-parse', '--path-format=absolute', '--git-path', name], { cwd });
}
