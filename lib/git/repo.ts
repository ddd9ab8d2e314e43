/**
 * Locates the repository: its worktree root, its git dir and its common dir
 * (shared by every worktree). The common case is answered by reading `.git`
 * from disk, which saves a git process on every hook; anything unusual
 * (GIT_DIR set, bare repositories) is asked of git itself.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { HephError } from '../errors.js';
import { gitText } from './exec.js';

export interface Repo {
  /** Absolute path of the worktree root. */
  root: string;
  /** Absolute git dir of this worktree (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
  /** Absolute common dir, shared by all worktrees. */
  commonDir: string;
}

function readGitFile(dotGit: string): string | null {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!m) return null;
  return isAbsolute(m[1]) ? m[1] : resolve(dirname(dotGit), m[1]);
}

function commonDirOf(gitDir: string): string {
  const file = join(gitDir, 'commondir');
  if (!existsSync(file)) return gitDir;
  const rel = readFileSync(file, 'utf8').trim();
  return isAbsolute(rel) ? rel : resolve(gitDir, rel);
}

function findOnDisk(start: string): Repo | null {
  let dir = resolve(start);
  for (;;) {
    const dotGit = join(dir, '.git');
    let st;
    try {
      st = statSync(dotGit);
    } catch {
      st = null;
    }
    if (st?.isDirectory()) return { root: dir, gitDir: dotGit, commonDir: commonDirOf(dotGit) };
    if (st?.isFile()) {
      const gitDir = readGitFile(dotGit);
      return gitDir ? { root: dir, gitDir, commonDir: commonDirOf(gitDir) } : null;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

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
  return process.env.HEPH_HOME ? resolve(process.env.HEPH_HOME) : join(repo.commonDir, 'heph');
}
