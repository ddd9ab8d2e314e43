/** The SPEC's machine-readable report (`--json`). */
import type { Plan } from '../plan/types.js';
import type { RunReport } from '../run/types.js';

export function reportJson(report: RunReport) {
  return {
    version: 1,
    ok: report.ok,
    mode: report.mode,
    event: report.event,
    durationMs: report.durationMs,
    checks: report.checks.map((c) => ({
      phase: c.phase,
      name: c.name,
      status: c.status,
      reason: c.reason,
      durationMs: Math.round(c.durationMs),
      exitCode: c.exitCode,
      fingerprint: c.fingerprint,
      ...(c.source ? { source: c.source } : {}),
    })),
    ...(report.interrupted ? { interrupted: report.interrupted } : {}),
    ...(report.log ? { log: report.log } : {}),
  };
}

/** A dry-run plan in the same shape; `action` says what would happen and nothing ran. */
export function planJson(plan: Plan, durationMs: number) {
  return {
    version: 1,
    ok: true,
    dryRun: true,
    mode: plan.mode,
    event: plan.event,
    durationMs: Math.round(durationMs),
    checks: plan.phases.flatMap((p) =>
      p.items.map((i) => ({
        phase: p.name,
        name: i.check.name,
        status: i.action === 'run' ? 'not-run' : i.action,
        action: i.action,
        reason: i.reason,
        durationMs: 0,
        exitCode: null,
        fingerprint: i.fingerprint,
        files: i.files,
        ...(i.source ? { source: i.source } : {}),

        ...(i.perFile ? { perFile: i.perFile } : {}),
      })),
    ),
  };
}
