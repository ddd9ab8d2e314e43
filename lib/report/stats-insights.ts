/**
 * What the run history says beyond totals (pure): why checks re-ran and which
 * inputs made them, checks whose result flips on the same inputs, fixes and
 * their rollbacks, skips and interrupted runs.
 */
import type { RunRecord } from '../state/types.js';

export interface Tally {
  key: string;
  count: number;
  /** The checks behind the count, most first (at most 5). */
  checks: { id: string; count: number }[];
}

export interface FlakyCheck {
  /** `id@fingerprint` (its first 12 characters): one check may be flaky on several inputs. */
  key: string;
  id: string;
  fingerprint: string;
  passed: number;
  failed: number;
  runs: { at: number; event: string; status: string; durationMs: number }[];
}

export interface Insights {
  /** Why checks ran instead of being reused, most frequent first. */
  missReasons: Tally[];
  /** Input paths whose change made checks re-run, most re-runs first (top 15). */
  missInputs: Tally[];
  flaky: FlakyCheck[];
  fixes: { applied: number; rolledBack: number; byCheck: { id: string; applied: number; rolledBack: number }[]; rollbacks: { at: number; checks: string[] }[] };
  skips: Tally[];
  /** Runs asked to skip: with `--skip-tests` (or HEPH_SKIP_TESTS), and with HEPH_SKIP set. */
  skipRuns: { skipTests: number; envSkip: number };
  interrupted: { at: number; event: string; signal: string; notRun: number }[];
}

const RAN = new Set(['passed', 'failed', 'fixed']);

/** "inputs changed: a.py, b.py" → "inputs changed"; "expired: ran 2h ago (ttl 1h)" → "expired". */
export const reasonKind = (reason: string) => reason.split(/[:;(]/)[0].trim() || reason;

class Counter {
  private by = new Map<string, Map<string, number>>();
  add(key: string, id: string): void {
    const m = this.by.get(key) ?? new Map<string, number>();
    this.by.set(key, m);
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  top(limit = Infinity): Tally[] {
    const byCount = <T extends { count: number }>(a: T & { key?: string; id?: string }, b: T & { key?: string; id?: string }) =>
      b.count - a.count || String(a.key ?? a.id).localeCompare(String(b.key ?? b.id));
    return [...this.by]
      .map(([key, m]) => ({
        key,
        count: [...m.values()].reduce((a, b) => a + b, 0),
        checks: [...m].map(([id, count]) => ({ id, count })).sort(byCount).slice(0, 5),
      }))
      .sort(byCount)
      .slice(0, limit);
  }
}

function flakiness(runs: readonly RunRecord[]): FlakyCheck[] {
  const by = new Map<string, FlakyCheck>();
  for (const r of runs) {
    for (const c of r.checks) {
      if (!c.fingerprint || (c.status !== 'passed' && c.status !== 'failed')) continue;
      const key = `${c.id}\0${c.fingerprint}`;
      const f = by.get(key) ?? { key: `${c.id}@${c.fingerprint.slice(0, 12)}`, id: c.id, fingerprint: c.fingerprint, passed: 0, failed: 0, runs: [] };
      by.set(key, f);
      f[c.status]++;
      f.runs.push({ at: r.at, event: r.event ?? 'run', status: c.status, durationMs: c.durationMs });
    }
  }
  return [...by.values()].filter((f) => f.passed && f.failed).sort((a, b) => b.failed + b.passed - (a.failed + a.passed) || a.id.localeCompare(b.id));
}

export function insights(all: readonly RunRecord[]): Insights {
  const runs = all.filter((r) => (r.kind ?? 'run') === 'run');
  const reasons = new Counter();
  const inputs = new Counter();
  const skips = new Counter();
  const fixes = new Map<string, { id: string; applied: number; rolledBack: number }>();
  const fix = (id: string) => fixes.get(id) ?? fixes.set(id, { id, applied: 0, rolledBack: 0 }).get(id)!;
  const interrupted: Insights['interrupted'] = [];
  for (const r of runs) {
    for (const c of r.checks) {
      if (RAN.has(c.status) && c.reason) reasons.add(reasonKind(c.reason), c.id);
      if (RAN.has(c.status)) for (const p of c.changed ?? []) inputs.add(p, c.id);
      if (c.status === 'skipped' && c.reason) skips.add(c.reason, c.id);
      if (c.status === 'fixed') fix(c.id).applied++;
    }
    if (r.interrupted) interrupted.push({ at: r.at, event: r.event ?? 'run', signal: r.interrupted, notRun: r.checks.filter((c) => c.status === 'not-run').length });
  }
  const rollbacks = all.filter((r) => r.kind === 'rollback').map((r) => ({ at: r.at, checks: r.checks.map((c) => c.id) }));
  for (const rb of rollbacks) for (const id of rb.checks) fix(id).rolledBack++;
  const byCheck = [...fixes.values()].sort((a, b) => b.applied - a.applied || a.id.localeCompare(b.id));
  return {
    missReasons: reasons.top(),
    missInputs: inputs.top(15),
    flaky: flakiness(runs),
    fixes: { applied: byCheck.reduce((n, f) => n + f.applied, 0), rolledBack: byCheck.reduce((n, f) => n + f.rolledBack, 0), byCheck, rollbacks },
    skips: skips.top(),
    skipRuns: { skipTests: runs.filter((r) => r.skipTests).length, envSkip: runs.filter((r) => r.skip?.length).length },
    interrupted,
  };
}
