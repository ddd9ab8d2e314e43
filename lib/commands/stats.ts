/** `heph stats [--json] [--html FILE]`: per-check history from the kept runs. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadContext } from './context.js';
import { openStore } from '../state/store.js';
import { summarize } from '../report/stats.js';
import { renderStatsHtml } from '../report/stats-html.js';
import { formatDuration } from '../config/duration.js';
import { colors } from '../report/colors.js';
import type { Output } from '../report/output.js';
import { EXIT } from '../errors.js';

export async function statsCommand(flags: { json?: boolean; html?: string }, out: Output): Promise<number> {
  const ctx = await loadContext();
  const store = await openStore({ dir: ctx.dir, readOnly: true, warn: out.warn });
  try {
    const live = ctx.config.phases.flatMap((p) => p.checks.map((c) => c.id));
    const stats = summarize(await store.runs(), { live });
    if (flags.html) {
      writeFileSync(flags.html, renderStatsHtml(stats, { repo: basename(ctx.repo.root), generatedAt: Date.now() }));
      out.info(`wrote ${flags.html}`);
    }
    if (out.json) {
      out.data({ version: 1, ...stats });
      return EXIT.ok;
    }
    if (!stats.runs) {
      out.line('no runs recorded yet');
      return EXIT.ok;
    }
    out.line(`${stats.runs} runs since ${new Date(stats.since!).toISOString().slice(0, 10)}: ${formatDuration(stats.spentMs)} spent running checks, ${formatDuration(stats.savedMs)} saved by reuse`);
    const width = Math.max(12, ...stats.checks.map((c) => c.id.length + (c.removed ? 10 : 0)));
    out.line(colors.dim(`${'check'.padEnd(width)}  runs  cached  failed   hit%      spent      saved    slowest`));
    for (const c of stats.checks) {
      const hit = c.runs + c.hits ? Math.round((100 * c.hits) / (c.runs + c.hits)) : 0;
      out.line(
        `${(c.id + (c.removed ? ' (removed)' : '')).padEnd(width)}  ${String(c.runs).padStart(4)}  ${String(c.hits).padStart(6)}  ${String(c.failures).padStart(6)}  ${String(hit).padStart(4)}%  ${formatDuration(c.spentMs).padStart(9)}  ${formatDuration(c.savedMs).padStart(9)}  ${formatDuration(c.maxMs).padStart(9)}`,
      );
    }
    if (stats.missReasons.length) out.line(`why checks ran: ${stats.missReasons.slice(0, 4).map((t) => `${t.key} ×${t.count}`).join(', ')}`);
    if (stats.missInputs.length) out.line(`inputs that caused most re-runs: ${stats.missInputs.slice(0, 4).map((t) => `${t.key} ×${t.count}`).join(', ')}`);
    if (stats.flaky.length) out.line(colors.red(`flaky (passed and failed on the same inputs): ${[...new Set(stats.flaky.map((f) => f.id))].join(', ')}`));
    if (stats.remoteHits) out.line(`reused from the remote cache: ${stats.remoteHits} of ${stats.hits}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
