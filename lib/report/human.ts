/** Human rendering of plans and results: one line per check. */
import { colors } from './colors.js';
import { formatDuration } from '../config/duration.js';
import type { Plan } from '../plan/types.js';
import type { CheckResult, RunReport } from '../run/types.js';
import type { Output } from './output.js';

const MARK: Record<CheckResult['status'], string> = { passed: '✔', fixed: '✚', cached: '◆', skipped: '○', failed: '✖', 'not-run': '·' };

const paint: Record<CheckResult['status'], (s: string) => string> = {
  passed: (s) => colors.green(s),
  fixed: (s) => colors.green(s),
  cached: (s) => colors.cyan(s),
  skipped: (s) => colors.dim(s),
  failed: (s) => colors.red(s),
  'not-run': (s) => colors.dim(s),
};

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function resultLine(r: CheckResult, width = 24): string {
  const status = paint[r.status](pad(r.status === 'not-run' ? 'not run' : r.status, 7));
  const ran = r.status === 'passed' || r.status === 'failed' || r.status === 'fixed';
  const detail = ran ? formatDuration(r.durationMs) + (r.status !== 'passed' && r.reason ? colors.dim(`  ${r.reason}`) : '') : colors.dim(r.reason);
  return `${paint[r.status](MARK[r.status])} ${pad(r.id, width)} ${status} ${detail}`;
}

export function failureDetail(r: CheckResult, logPath?: string | null): string {
  const lines = (r.tail ?? '').split('\n').filter((l, i, a) => l || i < a.length - 1);
  const body = lines.map((l) => colors.dim('  │ ') + l).join('\n');
  return body + (logPath ? `\n${colors.dim(`  full log: ${logPath}`)}` : '');
}

export function printResult(out: Output, r: CheckResult, width: number): void {
  out.line(resultLine(r, width));
}

export function printSummary(out: Output, report: RunReport): void {
  const counts = new Map<string, number>();
  for (const c of report.checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const failed = report.checks.filter((c) => c.status === 'failed');
  for (const f of failed) {
    out.line(`\n${colors.red('✖')} ${colors.bold(f.id)} failed` + (f.exitCode !== null ? ` (exit ${f.exitCode})` : ''));
    out.line(failureDetail(f, report.log));
  }
  const parts = ['passed', 'fixed', 'cached', 'skipped', 'failed', 'not-run']
    .filter((s) => counts.get(s))
    .map((s) => `${counts.get(s)} ${s === 'not-run' ? 'not run' : s}`);
  const head = report.ok ? colors.green('heph: ok') : report.interrupted ? colors.yellow('heph: interrupted') : colors.red('heph: failed');
  out.line(`${head} — ${parts.join(', ') || 'no checks'} in ${formatDuration(report.durationMs)}`);
}

export function printPlan(out: Output, plan: Plan): void {
  const width = idWidth(plan);
  out.line(colors.bold(`plan (${plan.mode} mode${plan.event ? `, ${plan.event}` : ''}):`));
  for (const phase of plan.phases) {
    for (const item of phase.items) {
      const verb = item.action === 'run' ? colors.yellow('would run') : item.action === 'cached' ? colors.cyan('cached   ') : colors.dim('skipped  ');
      const given = item.files && item.action === 'run' ? `${item.files.length} file${item.files.length === 1 ? '' : 's'}` : '';
      const of = item.perFile && item.perFile.uncertified < item.perFile.total ? ` of ${item.perFile.total}` : '';
      const files = given ? colors.dim(` [${given}${of}]`) : '';
      out.line(`  ${pad(item.id, width)} ${verb} ${item.reason}${files}`);
    }
  }
}

export function idWidth(plan: Plan): number {
  return Math.min(40, Math.max(12, ...plan.phases.flatMap((p) => p.items.map((i) => i.id.length))));
}
