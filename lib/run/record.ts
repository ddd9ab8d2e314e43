/** The row a finished run leaves in the history that `heph stats` reads. */
import type { Plan } from '../plan/types.js';
import { planItems } from '../plan/items.js';
import type { RunCheckRecord, RunRecord } from '../state/types.js';
import type { RunReport } from './types.js';

/** Enough paths to name what keeps invalidating a check, without bloating the history. */
const MAX_CHANGED = 20;

export interface RunFacts {
  at: number;
  /** The signal that stopped the run, if one did. */
  interrupted: string | null;
  /** `--skip-tests` / `HEPH_SKIP_TESTS` was given. */
  skipTests: boolean;
  /** `HEPH_SKIP` names. */
  skip: string[];
}

export function runRecord(plan: Plan, report: RunReport, facts: RunFacts): RunRecord {
  const { at, interrupted } = facts;
  const items = planItems(plan);
  const checks = report.checks.map((c): RunCheckRecord => {
    const item = items.get(c.id);
    const row: RunCheckRecord = { id: c.id, status: c.status, durationMs: Math.round(c.durationMs) };
    if (c.savedMs) row.savedMs = c.savedMs;
    if (c.fingerprint) row.fingerprint = c.fingerprint;
    if (item && item.action !== 'cached') row.reason = item.reason;
    if (item?.changed?.length && item.reason.startsWith('inputs changed')) row.changed = item.changed.slice(0, MAX_CHANGED);
    if (c.status === 'cached') row.source = c.source ?? item?.source ?? 'local';
    return row;
  });
  return {
    at,
    kind: 'run',
    mode: report.mode,
    event: report.event,
    ok: report.ok,
    durationMs: report.durationMs,
    checks,
    ...(interrupted ? { interrupted } : {}),
    ...(facts.skipTests ? { skipTests: true } : {}),
    ...(facts.skip.length ? { skip: facts.skip } : {}),
  };
}
