/** What every repository command starts from: the repo, heph's folder and the loaded config. */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { HephError } from '../errors.js';
import { findRepo, hephDir, type Repo } from '../git/repo.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { discoverMembers, memberDirs, withMembers } from '../config/members.js';
import { peekEarlySnapshot } from '../run/early.js';

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
  if (!existsSync(file)) {
    throw new HephError('config', `no ${CONFIG_NAME} in ${repo.root}`, 'run `heph init` to write one for this repository');
  }
  // Members are found while the root config is read, from the snapshot a run has already started when there is one.
  const early = peekEarlySnapshot(repo.root);
  const dirs = early ? early.then((s) => memberDirs(s.tracked, s.untracked)) : discoverMembers(repo.root);
  dirs.catch(() => {}); // a bad root config is reported first
  const config = loadConfig(file);
  return { repo, dir: hephDir(repo), config: withMembers(repo.root, config, await dirs) };
}
