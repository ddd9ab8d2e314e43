/**
 * The planning step that consults the shared result cache. It is separate from
 * the local decision: the connection opens while the snapshot is read, and once
 * the local plan is known the remote is asked only about the checks that would
 * run, within the configured budget; then local results only, with one warning.
 */
import type { Mode, ResolvedConfig } from '../config/types.js';
import { applyRemote, remoteCandidates } from '../plan/remote.js';
import type { Plan } from '../plan/types.js';
import { canRead, remoteSettings } from '../state/remote-settings.js';
import type { StoredResult } from '../state/types.js';
import type { RemoteReader } from '../state/remote-cache.js';

export interface RemoteStepOptions {
  warn?: (msg: string) => void;
  /** Where the last remote error is kept for `heph doctor`; null in read-only commands. */
  stateDir?: string | null;
}

export interface RemoteStep {
  apply(plan: Plan, stored: Map<string, StoredResult>, now: number): Promise<Plan>;
}

/** Starts connecting when a readable remote is configured and results may be reused; null otherwise (nothing loaded). */
export function startRemote(config: ResolvedConfig, env: NodeJS.ProcessEnv, mode: Mode, opts: RemoteStepOptions): RemoteStep | null {
  const s = remoteSettings(config, env);
  if (!s) return null;
  if ('problem' in s) {
    opts.warn?.(`remote cache not used: ${s.problem}`);
    return null;
  }
  if (!canRead(s) || mode !== 'fast') return null;
  const module = import('../state/remote-cache.js');
  const reader: Promise<RemoteReader> = module.then((m) => new m.RemoteReader(s));
  reader.catch(() => {}); // reported by apply
  return {
    async apply(plan, stored, now) {
      const wanted = remoteCandidates(plan, (id, fp) => {
        const prev = stored.get(id);
        return !!prev && prev.fingerprint === fp && prev.status !== 'passed';
      });
      if (!wanted.length) {
        void reader.then((r) => r.lookup([], 0)).catch(() => {}); // closes the connection
        return plan;
      }
      let found;
      try {
        found = await (await reader).lookup(wanted, s.timeoutMs);
      } catch (err) {
        found = { hits: new Map(), rejected: new Map(), error: (err as Error).message };
      }
      if (found.error) {
        opts.warn?.(`remote cache unavailable (${found.error}); using local results only`);
        if (opts.stateDir) (await module).recordRemoteError(opts.stateDir, found.error);
      }
      return applyRemote(plan, found, now);
    },
  };
}
