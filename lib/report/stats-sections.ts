/** The tables of the stats page, one function per section. */
import type { CheckStats, Stats } from './stats.js';
import type { Bucket } from './stats-trends.js';
import type { FlakyCheck, Tally } from './stats-insights.js';
import { cellBars } from './stats-svg.js';
import { esc, stat, table, type Col } from './stats-table.js';
import { longDuration } from './format.js';

const when = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
const hitRate = (hits: number, runs: number) => (hits + runs ? hits / (hits + runs) : 0);

export function checksTable(s: Stats): string {
  const max = Math.max(1, ...s.checks.map((c) => Math.max(c.spentMs, c.savedMs)));
  const p = (c: CheckStats, k: keyof CheckStats) => ['checks', c.id, k];
  const cols: Col<CheckStats>[] = [
    {
      head: 'check',
      legend: 'phase/name. "removed": no longer in .heph.json (history kept, it does not run). "flaky": the same inputs both passed and failed.',
      cell: (c) => `<code>${esc(c.id)}</code>${c.removed ? ' <span class="tag removed">removed</span>' : ''}${c.flaky ? ' <span class="tag flaky">flaky</span>' : ''}`,
    },
    { head: 'ran', legend: 'Times the check actually ran (passed, failed or fixed).', num: true, cell: (c) => stat(p(c, 'runs'), c.runs) },
    { head: 'reused', legend: 'Times a stored result was reused instead of running: local (this machine) / remote (the shared cache).', num: true, cell: (c) => `${stat(p(c, 'hits'), c.hits)}<small> ${stat(p(c, 'localHits'), c.localHits)} / ${stat(p(c, 'remoteHits'), c.remoteHits)}</small>` },
    { head: 'hit rate', legend: 'reused ÷ (ran + reused).', num: true, cell: (c) => stat(p(c, 'hitRate'), c.hitRate, 'pct') },
    { head: 'failed', legend: 'Runs that ended failed.', num: true, cell: (c) => stat(p(c, 'failures'), c.failures) },
    { head: 'fixed', legend: 'Runs where the fix command repaired the failure.', num: true, cell: (c) => stat(p(c, 'fixes'), c.fixes) },
    { head: 'skipped', legend: 'Runs where it was skipped (HEPH_SKIP, a skipped tag, no matching files, another platform).', num: true, cell: (c) => stat(p(c, 'skips'), c.skips) },
    { head: 'average', legend: 'Mean duration of a real run.', num: true, cell: (c) => stat(p(c, 'avgMs'), c.avgMs, 'ms') },
    { head: 'slowest', legend: 'Longest real run.', num: true, cell: (c) => stat(p(c, 'maxMs'), c.maxMs, 'ms') },
    { head: 'spent', legend: 'Total time running it (orange bar).', num: true, cell: (c) => stat(p(c, 'spentMs'), c.spentMs, 'ms') },
    { head: 'saved', legend: 'For each reuse, the duration of the run whose result was reused (green bar).', num: true, cell: (c) => stat(p(c, 'savedMs'), c.savedMs, 'ms') },
    { head: 'to scale', legend: 'Spent (orange) and saved (green), on one scale across checks.', cell: (c) => `<div class="bars">${cellBars(c.spentMs, c.savedMs, max)}</div>` },
  ];
  // Live checks first; those no longer configured follow, marked.
  const rows = [...s.checks].sort((a, b) => Number(a.removed) - Number(b.removed));
  return table(cols, rows, { empty: 'No check has run yet.', rowClass: (c) => (c.removed ? 'removed' : '') });
}

export function eventsTable(s: Stats): string {
  const p = (b: Bucket, k: keyof Bucket) => ['events', b.key, k];
  const cols: Col<Bucket>[] = [
    { head: 'event', legend: 'The git hook that ran heph, or "run" for heph run.', cell: (b) => `<code>${esc(b.key)}</code>` },
    { head: 'runs', legend: 'Runs of this event.', num: true, cell: (b) => stat(p(b, 'runs'), b.runs) },
    { head: 'failed', legend: 'Runs that ended failed (blocked the commit or push).', num: true, cell: (b) => stat(p(b, 'failedRuns'), b.failedRuns) },
    { head: 'ran', legend: 'Checks that actually ran.', num: true, cell: (b) => stat(p(b, 'executions'), b.executions) },
    { head: 'reused', legend: 'Checks whose stored result was reused.', num: true, cell: (b) => stat(p(b, 'hits'), b.hits) },
    { head: 'hit rate', legend: 'reused ÷ (ran + reused).', num: true, cell: (b) => esc(`${Math.round(hitRate(b.hits, b.executions) * 100)}%`) },
    { head: 'spent', legend: 'Time spent running checks.', num: true, cell: (b) => stat(p(b, 'spentMs'), b.spentMs, 'ms') },
    { head: 'saved', legend: 'Time saved by reuse.', num: true, cell: (b) => stat(p(b, 'savedMs'), b.savedMs, 'ms') },
  ];
  return table(cols, s.events, { empty: 'No runs yet.' });
}

function tallyTable(rows: Tally[], name: 'missReasons' | 'missInputs' | 'skips', head: string, legend: string, countLegend: string, empty: string): string {
  const cols: Col<Tally>[] = [
    { head, legend, cell: (t) => (name === 'missInputs' ? `<code>${esc(t.key)}</code>` : esc(t.key)) },
    { head: 'count', legend: countLegend, num: true, cell: (t) => stat([name, t.key, 'count'], t.count) },
    { head: 'checks', legend: 'The checks concerned, with how many times each (at most 5 shown).', cell: (t) => t.checks.map((c) => `<code>${esc(c.id)}</code>&nbsp;×${c.count}`).join(', ') },
  ];
  return table(cols, rows, { empty });
}

export const missReasonsTable = (s: Stats) =>
  tallyTable(s.missReasons, 'missReasons', 'reason', 'Why the check ran instead of reusing a result ("full mode": the run or hook asked for everything).', 'Check runs with this reason.', 'No runs recorded with a reason yet.');
export const missInputsTable = (s: Stats) =>
  tallyTable(s.missInputs, 'missInputs', 'input', 'A file whose change made checks run again.', 'Check runs this change caused.', 'No re-run was caused by a changed input.');
export const skipsTable = (s: Stats) => tallyTable(s.skips, 'skips', 'why skipped', 'The reason the check was skipped.', 'Times skipped for this reason.', 'Nothing was skipped.');

export function flakyList(s: Stats): string {
  if (!s.flaky.length) return '<p class="empty">No check both passed and failed on the same inputs.</p>';
  const one = (f: FlakyCheck) =>
    `<details${s.flaky.length <= 3 ? ' open' : ''}><summary><code>${esc(f.id)}</code> on inputs <code>${esc(f.fingerprint.slice(0, 12))}</code>: ${stat(['flaky', f.key, 'passed'], f.passed)} passed, ${stat(['flaky', f.key, 'failed'], f.failed)} failed</summary><ul>${f.runs
      .map((r) => `<li class="${r.status}">${esc(when(r.at))} · ${esc(r.event)} · ${esc(r.status)} in ${esc(longDuration(r.durationMs))}</li>`)
      .join('')}</ul></details>`;
  return s.flaky.map(one).join('\n') + '<p class="note">Same check, same fingerprint (same command, inputs, env, platform), different outcomes: the result depends on something outside its declared inputs (time, network, order, a race).</p>';
}

export function fixesTable(s: Stats): string {
  type Row = Stats['fixes']['byCheck'][number];
  const cols: Col<Row>[] = [
    { head: 'check', legend: 'A check whose fix command ran.', cell: (r) => `<code>${esc(r.id)}</code>` },
    { head: 'applied', legend: 'Runs where the fix repaired the failure (status "fixed").', num: true, cell: (r) => esc(String(r.applied)) },
    { head: 'rolled back', legend: 'Times heph rollback undid this check’s fixes.', num: true, cell: (r) => esc(String(r.rolledBack)) },
  ];
  const list = s.fixes.rollbacks.length ? `<p>Rollbacks: ${s.fixes.rollbacks.map((r) => `${esc(when(r.at))} (${r.checks.map(esc).join(', ') || 'no check named'})`).join('; ')}</p>` : '';
  return table(cols, s.fixes.byCheck, { empty: 'No fix was applied.' }) + list;
}

export function interruptedList(s: Stats): string {
  if (!s.interrupted.length) return '<p class="empty">No run was interrupted.</p>';
  return `<ul>${s.interrupted.map((r) => `<li>${esc(when(r.at))} · ${esc(r.event)} · ${esc(r.signal)} · ${r.notRun} check${r.notRun === 1 ? '' : 's'} not run</li>`).join('')}</ul>`;
}
