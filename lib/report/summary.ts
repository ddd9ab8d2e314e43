/**
 * The run summary (`heph run --summary FILE`, `HEPH_SUMMARY`): one versioned
 * JSON document per run, for CI to upload and webhooks to send. It holds the
 * `--json` report plus, per check, what the plan decided and why, the
 * fingerprint's components, the files given and the timings. Documented in
 * docs/observability.md; bump SUMMARY_VERSION when a field changes meaning.
 */
import type { Plan } from '../plan/types.js';
import type { RunReport } from '../run/types.js';
import type { Components } from '../state/types.js';
import { reportJson } from './json.js';
import { planItems } from '../plan/items.js';

export const SUMMARY_VERSION = 1;

export type Outcome = 'passed' | 'failed' | 'fixed' | 'interrupted';

export interface SummaryInput {
  plan: Plan;
  report: RunReport;
  components: (id: string) => Components | undefined;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  heph: string;
  repo: { root: string; head: string | null; branch: string | null };
  options: { fast: boolean | null; skip: string[]; skipTests: boolean; autoFix: boolean; phases: string[] | null; only: string[] | null };
}

export function outcomeOf(report: RunReport): Outcome {
  if (report.interrupted) return 'interrupted';
  if (!report.ok) return 'failed';
  return report.checks.some((c) => c.status === 'fixed') ? 'fixed' : 'passed';
}

export function buildSummary(i: SummaryInput) {
  const items = planItems(i.plan);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    schema: 'heph-run-summary',
    version: SUMMARY_VERSION,
    heph: i.heph,
    hook: i.report.event ?? 'run',
    outcome: outcomeOf(i.report),
    startedAt: iso(i.startedAt),
    endedAt: iso(i.endedAt),
    repo: i.repo,
    options: i.options,
    report: reportJson(i.report),
    checks: i.report.checks.map((c) => {
      const item = items.get(c.id);
      return {
        id: c.id,
        phase: c.phase,
        name: c.name,
        status: c.status,
        reason: c.reason,
        decision: item ? { action: item.action, reason: item.reason } : null,
        changedInputs: item?.changed ?? null,
        source: c.status === 'cached' ? (item?.source ?? 'local') : null,
        fingerprint: c.fingerprint,
        components: i.components(c.id) ?? null,
        files: item?.files ?? null,
        exitCode: c.exitCode,
        timings: { durationMs: Math.round(c.durationMs), savedMs: c.savedMs ?? 0, endedAtMs: c.endedAtMs ?? null },
      };
    }),
  };
}

export type RunSummary = ReturnType<typeof buildSummary>;
