/** What every repository command starts from: the repo, heph's folder and the loaded config. */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { HephError } from '../errors.js';
import { findRepo, hephDir, type Repo } from '../git/repo.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';

export interface Context {
  repo: Repo;
  /** `<git common dir>/heph`, or HEPH_HOME. */
  dir: string;
  config: ResolvedConfig;
}

export const CONFIG_NAME = '.heph.json';

export function configPath(repo: Repo): string {
  return join(repo.root, CONFIG_NAME);
}

export async function loadContext(cwd = process.cwd()): Promise<Context> {
  const repo = await findRepo(cwd);
  const file = configPath(repo);
  const dir = hephDir(repo);
  const load = () => {
    if (!existsSync(file)) throw new HephError('config', `no ${CONFIG_NAME} in ${repo.root}`, 'run `heph init` to write one for this repository');
    return loadConfig(file);
  };
  try {
    return { repo, dir, config: load() };
  } catch (err) {
    // A killed pre-commit may have put the user's .heph.json aside: bring it back, then read again.
    if (!(err instanceof HephError) || err.kind !== 'config') throw err;
    const { recoverWithoutConfig } = await import('./run-lock.js');
    if (!(await recoverWithoutConfig(repo, dir, { warn: (t) => process.stderr.write(`warning: ${t}\n`) }))) throw err;
    return { repo, dir, config: load() };
  }
}
