/**
 * The repository found from disk alone (its `.git` directory or file), with
 * nothing but `node:fs`: the replay of a cached commit (replay/verify.ts) runs
 * before the rest of heph loads and locates the repository the same way.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

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

export function commonDirOf(gitDir: string): string {
  const file = join(gitDir, 'commondir');
  if (!existsSync(file)) return gitDir;
  const rel = readFileSync(file, 'utf8').trim();
  return isAbsolute(rel) ? rel : resolve(gitDir, rel);
}

/** The nearest `.git` at or above `start`; null when there is none or it is not understood. */
export function findOnDisk(start: string): Repo | null {
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

/** heph's folder: HEPH_HOME, or `heph` in the common git dir (shared by every worktree). */
export function hephDirOf(commonDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.HEPH_HOME ? resolve(env.HEPH_HOME) : join(commonDir, 'heph');
}
