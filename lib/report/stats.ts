/** Aggregates the kept run history into per-check figures (pure). */
import type { RunRecord } from '../state/types.js';

export interface CheckStats {
  id: string;
  /** Times the check actually ran. */
  runs: number;
  /** Times a stored result was reused (local or remote). */
  hits: number;
  /** Of `hits`, those from the shared cache. */
  remoteHits: number;
  failures: number;
  fixes: number;
  skips: number;
  spentMs: number;
  savedMs: number;
  /** Of `savedMs`, saved by shared-cache hits. */
  remoteSavedMs: number;
  avgMs: number;
  maxMs: number;
}

export interface Stats {
  runs: number;
  since: number | null;
  spentMs: number;
  savedMs: number;
  /** Hits and time saved by the local store and by the shared cache. */
  local: { hits: number; savedMs: number };
  remote: { hits: number; savedMs: number };
  /** Slowest (most time spent) first. */
  checks: CheckStats[];
}

const sum = (checks: CheckStats[], f: (c: CheckStats) => number) => checks.reduce((n, c) => n + f(c), 0);

export function summarize(runs: readonly RunRecord[]): Stats {
  const by = new Map<string, CheckStats>();
  for (const run of runs) {
    for (const c of run.checks) {
      const s = by.get(c.id) ?? { id: c.id, runs: 0, hits: 0, remoteHits: 0, failures: 0, fixes: 0, skips: 0, spentMs: 0, savedMs: 0, remoteSavedMs: 0, avgMs: 0, maxMs: 0 };
      by.set(c.id, s);
      if (c.status === 'cached') {
        s.hits++;
        s.savedMs += c.savedMs ?? 0;
        if (c.source === 'remote') {
          s.remoteHits++;
          s.remoteSavedMs += c.savedMs ?? 0;
        }
      } else if (c.status === 'skipped') s.skips++;
      else if (c.status === 'passed' || c.status === 'failed' || c.status === 'fixed') {
        s.runs++;
        s.spentMs += c.durationMs;
        s.maxMs = Math.max(s.maxMs, c.durationMs);
        if (c.status === 'failed') s.failures++;
        if (c.status === 'fixed') s.fixes++;
      }
    }
  }
  const checks = [...by.values()].map((s) => ({ ...s, avgMs: s.runs ? Math.round(s.spentMs / s.runs) : 0 })).sort((a, b) => b.spentMs - a.spentMs || a.id.localeCompare(b.id));
  return {
    runs: runs.length,
    since: runs.length ? runs[0].at : null,
    spentMs: checks.reduce((n, c) => n + c.spentMs, 0),
    savedMs: checks.reduce((n, c) => n + c.savedMs, 0),
    local: { hits: sum(checks, (c) => c.hits - c.remoteHits), savedMs: sum(checks, (c) => c.savedMs - c.remoteSavedMs) },
    remote: { hits: sum(checks, (c) => c.remoteHits), savedMs: sum(checks, (c) => c.remoteSavedMs) },
    checks,
  };
}
