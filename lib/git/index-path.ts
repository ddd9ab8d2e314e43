import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where git reads the index in `env`: GIT_INDEX_FILE (relative to the worktree root, as git resolves it) or
 * `<git dir>/index`. Set but empty, git reads no file (an empty index): '' then, where nothing can be
 * opened, so git lists it. (No git here: the replay's entry point uses it before anything else loads.)
 */
export function indexFileIn(root: string, gitDir: string, env: NodeJS.ProcessEnv): string {
  const set = env.GIT_INDEX_FILE;
  if (set === undefined) return join(gitDir, 'index');
  if (set === '') return '';
  return isAbsolute(set) ? set : resolve(root, set);
}
