/** What every repository command starts from: the repo, heph's folder and the loaded config. */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { HephError } from '../errors.js';
import { findRepo, hephDir, type Repo } from '../git/repo.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { discoverMembers, memberDirs, withMembers } from '../config/members.js';
import { peekEarlyMembers, peekEarlySnapshot } from '../run/early.js';

export interface Context {
  repo: Repo;
  /** `<git common dir>/heph`, or HEPH_HOME. */
  dir: string;
  config: ResolvedConfig;
  /** The root `.heph.json` alone, before members are folded in. */
  rootConfig: ResolvedConfig;
  /** The member directories found (empty without members). */
  memberDirs: Promise<string[]>;
  /**
   * Settles once the members are folded into `config`; rejects (exit 2) on a bad member.
   * Already settled unless loaded with `deferMembers`.
   */
  members: Promise<void>;
}

export const CONFIG_NAME = '.heph.json';

export function configPath(repo: Repo): string {
  return join(repo.root, CONFIG_NAME);
}

/**
 * @param deferMembers return before the members are found (a run's snapshot is still being read):
 *   the caller awaits `ctx.members` before it plans, so the lock and the store open meanwhile.
 */
export async function loadContext(cwd = process.cwd(), { deferMembers = false } = {}): Promise<Context> {
  const repo = await findRepo(cwd);
  const file = configPath(repo);
  const dir = hephDir(repo);
  const load = () => {
    if (!existsSync(file)) throw new HephError('config', `no ${CONFIG_NAME} in ${repo.root}`, 'run `heph init` to write one for this repository');
    return loadConfig(file);
  };
  // Members are found while the root config is read, from the snapshot a run has already started when there is one.
  const early = peekEarlySnapshot(repo.root);
  const dirs = peekEarlyMembers(repo.root) ?? (early ? early.then((s) => memberDirs(s.trackedEndingWith(`/${CONFIG_NAME}`), s.untracked)) : discoverMembers(repo.root));
  dirs.catch(() => {}); // a bad root config is reported first
  let config: ResolvedConfig;
  try {
    config = load();
  } catch (err) {
    // A killed pre-commit may have put the user's .heph.json aside: bring it back, then read again.
    if (!(err instanceof HephError) || err.kind !== 'config') throw err;
    const { recoverWithoutConfig } = await import('./run-lock.js');
    if (!(await recoverWithoutConfig(repo, dir, { warn: (t) => process.stderr.write(`warning: ${t}\n`) }))) throw err;
    config = load();
  }
  const ctx: Context = { repo, dir, config, rootConfig: config, memberDirs: dirs, members: Promise.resolve() };
  ctx.members = dirs.then((d) => {
    ctx.config = withMembers(repo.root, config, d);
  });
  if (!deferMembers) await ctx.members;
  else ctx.members.catch(() => {}); // reported where it is awaited
  return ctx;
}
