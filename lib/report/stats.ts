/**
 * Aggregates the kept run history into the figures `heph stats` shows (pure).
 * Rows written by older versions lack reasons, fingerprints and sources: they
 * still count in totals, and simply add nothing to the finer breakdowns.
 */
import type { RunRecord } from '../state/types.js';
import { trends, type Bucket } from './stats-trends.js';
import { insights, type Insights } from './stats-insights.js';

export interface CheckStats {
  id: string;
  /** Times the check actually ran (passed, failed or fixed). */
  runs: number;
  /** Times a stored result was reused (local + remote). */
  hits: number;
  localHits: number;
  remoteHits: number;
  /** hits / (runs + hits), 0..1; 0 when neither happened. */
  hitRate: number;
  failures: number;
  fixes: number;
  skips: number;
  spentMs: number;
  /** For each reuse, what the reused result had cost when it ran. */
  savedMs: number;
  /** Of `savedMs`, saved by shared-cache hits. */
  remoteSavedMs: number;
  avgMs: number;
  maxMs: number;
  /** Not in the current configuration (its history is kept, it no longer runs). */
  removed: boolean;
  /** The same fingerprint both passed and failed. */
  flaky: boolean;
}

export interface Stats extends Insights {
  /** Runs kept (`heph rollback` rows not included). */
  runs: number;
  failedRuns: number;
  since: number | null;
  until: number | null;
  spentMs: number;
  savedMs: number;
  executions: number;
  hits: number;
  localHits: number;
  remoteHits: number;
  hitRate: number;
  /** Hits and time saved by the local store and by the shared cache. */
  local: { hits: number; savedMs: number };
  remote: { hits: number; savedMs: number };
  /** Most time spent first. */
  checks: CheckStats[];
  /** Per git event (`run` for `heph run`). */
  events: Bucket[];
  /** Per UTC day and per week (starting Monday), oldest first. */
  days: Bucket[];
  weeks: Bucket[];
}

export interface SummarizeOptions {
  /** Check ids in the current configuration; others are marked `removed`. */
  live?: readonly string[];
}

const rate = (hits: number, runs: number) => (hits + runs ? hits / (hits + runs) : 0);

function perCheck(runs: readonly RunRecord[], live: Set<string> | null, flaky: Set<string>): CheckStats[] {
  const by = new Map<string, CheckStats>();
  const blank = (id: string): CheckStats => ({ id, runs: 0, hits: 0, localHits: 0, remoteHits: 0, hitRate: 0, failures: 0, fixes: 0, skips: 0, spentMs: 0, savedMs: 0, remoteSavedMs: 0, avgMs: 0, maxMs: 0, removed: false, flaky: false });
  for (const run of runs) {
    for (const c of run.checks) {
      const s = by.get(c.id) ?? blank(c.id);
      by.set(c.id, s);
      if (c.status === 'cached') {
        s.hits++;
        if (c.source === 'remote') s.remoteHits++;
        else s.localHits++;
        s.savedMs += c.savedMs ?? 0;
        if (c.source === 'remote') s.remoteSavedMs += c.savedMs ?? 0;
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
  return [...by.values()]
    .map((s) => ({ ...s, avgMs: s.runs ? Math.round(s.spentMs / s.runs) : 0, hitRate: rate(s.hits, s.runs), removed: live ? !live.has(s.id) : false, flaky: flaky.has(s.id) }))
    .sort((a, b) => b.spentMs - a.spentMs || a.id.localeCompare(b.id));
}

export function summarize(all: readonly RunRecord[], opts: SummarizeOptions = {}): Stats {
  const runs = all.filter((r) => (r.kind ?? 'run') === 'run');
  const found = insights(all);
  const checks = perCheck(runs, opts.live ? new Set(opts.live) : null, new Set(found.flaky.map((f) => f.id)));
  const sum = (k: 'spentMs' | 'savedMs' | 'remoteSavedMs' | 'runs' | 'hits' | 'localHits' | 'remoteHits') => checks.reduce((n, c) => n + c[k], 0);
  const executions = sum('runs');
  const hits = sum('hits');
  return {
    runs: runs.length,
    failedRuns: runs.filter((r) => !r.ok).length,
    since: runs.length ? runs[0].at : null,
    until: runs.length ? runs[runs.length - 1].at : null,
    spentMs: sum('spentMs'),
    savedMs: sum('savedMs'),
    executions,
    hits,
    localHits: sum('localHits'),
    remoteHits: sum('remoteHits'),
    hitRate: rate(hits, executions),
    local: { hits: sum('localHits'), savedMs: sum('savedMs') - sum('remoteSavedMs') },
    remote: { hits: sum('remoteHits'), savedMs: sum('remoteSavedMs') },
    checks,
    ...trends(runs),
    ...found,
  };
}
