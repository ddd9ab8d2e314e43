import { isAbsolute, join, resolve } from 'node:path';
import { gitEnv } from './exec.js';

/**
 * Where git reads the index: GIT_INDEX_FILE (relative to the worktree root, as git resolves it) or `<git dir>/index`,
 * by default in the environment heph's git calls get (taken once, exec.ts), not process.env as it may be later.
 * Set but empty, git reads no file (an empty index): '' then, where nothing can be opened, so git lists it.
 */
export function indexFilePath(root: string, gitDir: string, env: NodeJS.ProcessEnv = gitEnv()): string {
  const set = env.GIT_INDEX_FILE;
  if (set === undefined) return join(gitDir, 'index');
  if (set === '') return '';
  return isAbsolute(set) ? set : resolve(root, set);
}
