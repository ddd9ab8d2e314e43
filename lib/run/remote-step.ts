/**
 * The planning step that consults the shared result cache. It is separate from
 * the local decision: once the local plan is known, the remote is asked only
 * about the checks that would run, within the configured budget; then local
 * results only, with one warning.
 * The budget runs from the moment the remote is asked: the connection, the
 * read and the verification all fit in it.
 */
import type { Mode, ResolvedConfig } from '../config/types.js';
import { applyRemote, remoteCandidates } from '../plan/remote.js';
import type { Plan } from '../plan/types.js';
import { canRead, remoteSettings } from '../state/remote-settings.js';
import type { StoredResult } from '../state/types.js';

export interface RemoteStepOptions {
  warn?: (msg: string) => void;
  /** Where the last remote error is kept for `heph doctor`; null in read-only commands. */
  stateDir?: string | null;
}

export interface RemoteStep {
  apply(plan: Plan, stored: Map<string, StoredResult>, now: number): Promise<Plan>;
}

/** The step, when a readable remote is configured and results may be reused; null otherwise. */
export function remoteStep(config: ResolvedConfig, env: NodeJS.ProcessEnv, mode: Mode, opts: RemoteStepOptions): RemoteStep | null {
  const s = remoteSettings(config, env);
  if (!s) return null;
  if ('problem' in s) {
    opts.warn?.(`remote cache not used: ${s.problem}`);
    return null;
  }
  if (!canRead(s) || mode !== 'fast') return null;
  return {
    async apply(plan, stored, now) {
      const wanted = remoteCandidates(plan, (id, fp) => {
        const prev = stored.get(id);
        return !!prev && prev.fingerprint === fp && prev.status !== 'passed';
      });
      // Nothing is loaded or connected unless a check would run: local hits cost nothing.
      if (!wanted.length) return plan;
      const module = await import('../state/remote-cache.js');
      let found;
      try {
        found = await new module.RemoteReader(s).lookup(wanted, s.timeoutMs);
      } catch (err) {
        found = { hits: new Map(), rejected: new Map(), error: (err as Error).message };
      }
      if (found.error) {
        opts.warn?.(`remote cache unavailable (${found.error}); using local results only`);
        if (opts.stateDir) module.recordRemoteError(opts.stateDir, found.error);
      }
      return applyRemote(plan, found, now);
    },
  };
}
