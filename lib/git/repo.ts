/**
 * Locates the repository: its worktree root, its git dir and its common dir
 * (shared by every worktree). The common case is answered by reading `.git`
 * from disk, which saves a git process on every hook; anything unusual
 * (GIT_DIR set, bare repositories) is asked of git itself.
 */
import { resolve } from 'node:path';
import { HephError } from '../errors.js';
import { gitText } from './exec.js';
import { findOnDisk, hephDirOf } from './repo-disk.js';

export type { Repo } from './repo-disk.js';
import type { Repo } from './repo-disk.js';

/** The repository containing `cwd` found from disk alone, or null when git must be asked. */
export function findRepoSync(cwd: string = process.cwd()): Repo | null {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_COMMON_DIR) return null;
  return findOnDisk(cwd);
}

/** Finds the repository containing `cwd`, or throws a usage error outside one. */
export async function findRepo(cwd: string = process.cwd()): Promise<Repo> {
  const repo = findRepoSync(cwd);
  if (repo) return repo;
  let out: string;
  try {
    out = await gitText(['rev-parse', '--path-format=absolute', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], { cwd });
  } catch {
    throw new HephError('usage', `not inside a git repository: ${cwd}`, 'run heph from a git working tree (git init creates one)');
  }
  const [root, gitDir, commonDir] = out.split('\n');
  if (!root) throw new HephError('usage', 'heph needs a working tree; this is a bare repository');
  return { root, gitDir, commonDir };
}

/** heph's own folder for this repository: `<common dir>/heph`, or HEPH_HOME. */
export function hephDir(repo: Repo): string {
  return hephDirOf(repo.commonDir);
}
