/**
 * `heph stats --html`: one self-contained page (inline CSS and SVG, no script,
 * nothing fetched), so it opens from file:// and can be mailed or attached to
 * a CI run as it is.
 */
import type { Stats } from './stats.js';
import { timeline, trendChart } from './stats-svg.js';
import { esc, stat } from './stats-table.js';
import { checksTable, eventsTable, fixesTable, flakyList, interruptedList, missInputsTable, missReasonsTable, skipsTable } from './stats-sections.js';
import { CSS } from './stats-css.js';

export interface PageInfo {
  /** Shown in the title: the repository's folder name. */
  repo: string;
  generatedAt: number;
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

function kpis(s: Stats): string {
  const card = (label: string, value: string, sub: string, cls = '') => `<div class="kpi ${cls}"><div class="label">${esc(label)}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
  return `<section class="kpis">
${card('Time spent', stat(['spentMs'], s.spentMs, 'ms'), `running checks, ${stat(['executions'], s.executions)} runs of a check`, 'spent')}
${card('Time saved', stat(['savedMs'], s.savedMs, 'ms'), `by reusing ${stat(['hits'], s.hits)} stored results`, 'saved')}
${card('Hit rate', stat(['hitRate'], s.hitRate, 'pct'), `local ${stat(['localHits'], s.localHits)} · remote ${stat(['remoteHits'], s.remoteHits)}`)}
${card('Runs', stat(['runs'], s.runs), `<span class="${s.failedRuns ? 'badtext' : ''}">${stat(['failedRuns'], s.failedRuns)} failed</span> · ${s.interrupted.length} interrupted`)}
${card('Flaky checks', String(new Set(s.flaky.map((f) => f.id)).size), 'passed and failed on the same inputs', s.flaky.length ? 'bad' : '')}
${card('Fixes', String(s.fixes.applied), `applied · ${s.fixes.rolledBack} rolled back`)}
</section>
<dl class="legend"><dt>Time spent</dt><dd>sum of the durations of checks that actually ran.</dd><dt>Time saved</dt><dd>for each reused result, how long that check took when it last really ran.</dd><dt>Hit rate</dt><dd>reused ÷ (ran + reused), over every check in every run; local: this machine's store, remote: the shared cache.</dd><dt>Runs</dt><dd><code>heph run</code> and hook runs kept in the history (the newest 500).</dd></dl>`;
}

export function renderStatsHtml(s: Stats, info: PageInfo = { repo: '', generatedAt: Date.now() }): string {
  const period = s.since ? `${day(s.since)} → ${day(s.until!)}` : 'no runs yet';
  const section = (id: string, title: string, body: string, intro = '') => `<section id="${id}"><h2>${esc(title)}</h2>${intro ? `<p class="intro">${intro}</p>` : ''}${body}</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>heph stats${info.repo ? ` · ${esc(info.repo)}` : ''}</title>
<style>${CSS}</style></head><body>
<header><h1>heph stats${info.repo ? ` <span class="repo">${esc(info.repo)}</span>` : ''}</h1>
<p class="period">${esc(period)} · generated ${esc(new Date(info.generatedAt).toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
<nav><a href="#trend">trend</a><a href="#events">events</a><a href="#checks">checks</a><a href="#misses">why re-run</a><a href="#flaky">flaky</a><a href="#fixes">fixes</a><a href="#skips">skips</a></nav></header>
<main>
${kpis(s)}
${section('trend', 'Trend', `<div class="charts"><figure><figcaption>per day (last 30)</figcaption>${trendChart(timeline(s.days, 1, 30), 'time spent and saved per day', (k) => k.slice(5))}</figure><figure><figcaption>per week, from Monday (last 12)</figcaption>${trendChart(timeline(s.weeks, 7, 12), 'time spent and saved per week', (k) => k.slice(5))}</figure></div>
<p class="key"><span class="sw spent"></span>time spent running checks <span class="sw saved"></span>time saved by reuse <span class="sw fail"></span>a run failed that day/week</p>`)}
${section('events', 'By hook event', eventsTable(s))}
${section('checks', 'Checks', checksTable(s), 'Most time spent first; checks no longer in .heph.json last.')}
${section('misses', 'Why checks re-ran', `<div class="cols"><div><h3>Reasons</h3>${missReasonsTable(s)}</div><div><h3>Inputs that caused most re-runs</h3>${missInputsTable(s)}</div></div>`)}
${section('flaky', 'Flaky checks', flakyList(s))}
${section('fixes', 'Fixes', fixesTable(s))}
${section('skips', 'Skips and interrupted runs', `<div class="cols"><div><h3>Skipped checks</h3><p>${stat(['skipRuns', 'skipTests'], s.skipRuns.skipTests)} run${s.skipRuns.skipTests === 1 ? '' : 's'} with <code>--skip-tests</code> (or <code>HEPH_SKIP_TESTS</code>), ${stat(['skipRuns', 'envSkip'], s.skipRuns.envSkip)} with <code>HEPH_SKIP</code> set.</p>${skipsTable(s)}</div><div><h3>Interrupted runs</h3>${interruptedList(s)}</div></div>`)}
</main></body></html>
`;
}
