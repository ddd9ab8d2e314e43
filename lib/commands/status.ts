/** `heph status`: each check's last result, its age, and whether it would run now and why. */
import { colors } from '../report/colors.js';
import { loadContext } from './context.js';
import { preparePlan } from '../run/pipeline.js';
import { openStore } from '../state/store.js';
import { formatDuration } from '../config/duration.js';
import type { Output } from '../report/output.js';
import { EXIT } from '../errors.js';
import { now as clock } from '../clock.js';

export async function statusCommand(flags: { json?: boolean }, out: Output): Promise<number> {
  const ctx = await loadContext();
  const store = await openStore({ dir: ctx.dir, readOnly: true, warn: out.warn });
  try {
    const prepared = await preparePlan({ repo: ctx.repo, config: ctx.config, mode: 'fast', event: null, source: 'worktree', store, select: {}, remote: { warn: out.warn, stateDir: null } });
    const items = prepared.plan.phases.flatMap((p) => p.items);
    const stored = await store.getResults(items.map((i) => i.id));
    const now = clock();
    const rows = items.map((i) => {
      const last = stored.get(i.id);
      return {
        phase: i.check.phase,
        name: i.check.name,
        // A result stamped in the future (the clock went back) shows age 0 and counts as expired.
        last: last ? { status: last.status, at: new Date(last.at).toISOString(), ageMs: Math.max(0, now - last.at), future: last.at > now, durationMs: last.durationMs, exitCode: last.exitCode } : null,
        wouldRun: i.action === 'run',
        action: i.action,
        reason: i.reason,
        ...(i.source ? { source: i.source } : {}),

        ...(i.perFile ? { files: i.perFile } : {}),
      };
    });
    if (out.json) {
      out.data({ version: 1, checks: rows });
      return EXIT.ok;
    }
    const width = Math.max(12, ...items.map((i) => i.id.length));
    for (const [k, r] of rows.entries()) {
      const id = items[k].id.padEnd(width);
      const when = r.last?.future ? 'in the future' : `${formatDuration(r.last?.ageMs ?? 0)} ago`;
      const last = r.last ? `${r.last.status} ${when}`.padEnd(18) : colors.dim('never run'.padEnd(18));
      const verdict = r.action === 'run' ? colors.yellow('would run') : r.action === 'cached' ? colors.cyan('up to date') : colors.dim('skipped');
      out.line(`${id}  ${last} ${verdict}: ${r.reason}`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
