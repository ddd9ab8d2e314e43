/** The SPEC's machine-readable report (`--json`). */
import type { Plan } from '../plan/types.js';
import type { RunReport } from '../run/types.js';

/** A member check (`member/phase/name`) carries its member and full id; a root check's JSON is as before. */
function memberKeys(id: string, phase: string, name: string) {
  const own = `${phase}/${name}`;
  return id !== own && id.endsWith(`/${own}`) ? { member: id.slice(0, -own.length - 1), id } : {};
}

export function reportJson(report: RunReport) {
  return {
    version: 1,
    ok: report.ok,
    mode: report.mode,
    event: report.event,
    durationMs: report.durationMs,
    checks: report.checks.map((c) => ({
      ...memberKeys(c.id, c.phase, c.name),
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
        ...memberKeys(i.id, p.name, i.check.name),
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
