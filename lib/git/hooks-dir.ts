/** Where git runs hooks from, and who set core.hooksPath. */
import { git, gitText } from './exec.js';

export interface HooksDir {
  /** Absolute directory git runs hooks from (core.hooksPath, or the common dir's hooks/). */
  dir: string;
  /** Set when core.hooksPath is configured: where (the config file) and its value. */
  hooksPath: { value: string; origin: string; local: boolean } | null;
}

export async function hooksDir(cwd: string): Promise<HooksDir> {
  const dir = await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd });
  const res = await git(['config', '--show-origin', '--show-scope', '--get', 'core.hooksPath'], { cwd, okCodes: [1] });
  if (res.code !== 0) return { dir, hooksPath: null };
  // "<scope>\tfile:<path>\t<value>"
  const [scope, origin, ...rest] = res.stdout.toString('utf8').replace(/\n$/, '').split('\t');
  const local = scope === 'local' || scope === 'worktree';
  return { dir, hooksPath: { value: rest.join('\t'), origin: `${scope} config (${origin.replace(/^file:/, '')})`, local } };
}
