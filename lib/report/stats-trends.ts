/** Run history grouped by git event, by day and by week (pure). */
import type { RunRecord } from '../state/types.js';

export interface Bucket {
  /** The event name (`run` for `heph run`), the day (`2026-11-25`) or the week's Monday. */
  key: string;
  runs: number;
  failedRuns: number;
  executions: number;
  hits: number;
  spentMs: number;
  savedMs: number;
}

const DAY = 86_400_000;

export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The Monday (UTC) of the week holding `at`. */
export function weekOf(at: number): string {
  const d = new Date(Math.floor(at / DAY) * DAY);
  return dayOf(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);
}

function group(runs: readonly RunRecord[], keyOf: (r: RunRecord) => string): Bucket[] {
  const by = new Map<string, Bucket>();
  for (const r of runs) {
    const key = keyOf(r);
    const b = by.get(key) ?? { key, runs: 0, failedRuns: 0, executions: 0, hits: 0, spentMs: 0, savedMs: 0 };
    by.set(key, b);
    b.runs++;
    if (!r.ok) b.failedRuns++;
    for (const c of r.checks) {
      if (c.status === 'cached') {
        b.hits++;
        b.savedMs += c.savedMs ?? 0;
      } else if (c.status === 'passed' || c.status === 'failed' || c.status === 'fixed') {
        b.executions++;
        b.spentMs += c.durationMs;
      }
    }
  }
  return [...by.values()];
}

export function trends(runs: readonly RunRecord[]): { events: Bucket[]; days: Bucket[]; weeks: Bucket[] } {
  const byKey = (a: Bucket, b: Bucket) => a.key.localeCompare(b.key);
  return {
    events: group(runs, (r) => r.event ?? 'run').sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key)),
    days: group(runs, (r) => dayOf(r.at)).sort(byKey),
    weeks: group(runs, (r) => weekOf(r.at)).sort(byKey),
  };
}
