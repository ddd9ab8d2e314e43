/** A self-contained HTML page of `heph stats`: one row per check with time bars. */
import { formatDuration } from '../config/duration.js';
import type { Stats } from './stats.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderStatsHtml(stats: Stats): string {
  const max = Math.max(1, ...stats.checks.map((c) => Math.max(c.spentMs, c.savedMs)));
  const bar = (ms: number, cls: string) => `<div class="bar ${cls}" style="width:${((100 * ms) / max).toFixed(1)}%"></div>`;
  const rows = stats.checks
    .map(
      (c) => `<tr><td>${esc(c.id)}</td><td>${c.runs}</td><td>${c.hits}</td><td>${c.failures}</td><td>${formatDuration(c.avgMs)}</td><td>${formatDuration(c.maxMs)}</td>
<td class="bars">${bar(c.spentMs, 'spent')}${bar(c.savedMs, 'saved')}<span>${formatDuration(c.spentMs)} spent · ${formatDuration(c.savedMs)} saved</span></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>heph stats</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #eee;vertical-align:top}
.bars{width:45%}.bar{height:.45rem;margin:.1rem 0;border-radius:2px}.spent{background:#d9822b}.saved{background:#2b8a3e}
.bars span{font-size:12px;color:#666}
</style></head><body>
<h1>heph stats</h1>
<p>${stats.runs} runs${stats.since ? ` since ${new Date(stats.since).toISOString().slice(0, 10)}` : ''}: ${formatDuration(stats.spentMs)} spent running checks, ${formatDuration(stats.savedMs)} saved by reusing results.</p>
<table><thead><tr><th>check</th><th>runs</th><th>cached</th><th>failed</th><th>average</th><th>slowest</th><th>time</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
