/**
 * What happens once a run's result is final and printed: the run summary is
 * written (when asked for) and webhooks are told (when configured for this
 * hook and outcome). Neither changes the exit code; both are loaded only when
 * used, so a commit without them pays nothing.
 */
import type { Context } from './context.js';
import type { RunOptions } from './options.js';
import type { Prepared } from '../run/pipeline.js';
import type { RunReport } from '../run/types.js';
import type { Output } from '../report/output.js';

export interface AfterRun {
  ctx: Context;
  opts: RunOptions;
  out: Output;
  prepared: Prepared;
  report: RunReport;
  /** Epoch ms when the command started. */
  startedAt: number;
}

/** Webhooks configured for this hook (`run` for `heph run`); pre-commit only when listed. */
export function webhooksFor(ctx: Context, report: RunReport) {
  const hook = report.event ?? 'run';
  return (ctx.config.settings.webhooks ?? []).filter((w) => w.hooks.includes(hook));
}

export async function afterRun(a: AfterRun): Promise<void> {
  const hooks = webhooksFor(a.ctx, a.report);
  if (!a.opts.summary && !hooks.length) return;
  try {
    await summarizeAndNotify(a, hooks);
  } catch (err) {
    // The run's result is already final and printed: nothing here may change it.
    a.out.warn(`after the run: ${(err as Error).message}`);
  }
}

async function summarizeAndNotify(a: AfterRun, hooks: ReturnType<typeof webhooksFor>): Promise<void> {
  const { summarizeRun, writeSummary } = await import('./summary-file.js');
  const summary = await summarizeRun(a);
  if (a.opts.summary) writeSummary(a.opts.summary, summary, a.out);
  if (!hooks.some((w) => w.events.includes(summary.outcome))) return;
  const { deliver } = await import('../notify/deliver.js');
  await deliver(a.ctx.config.settings.webhooks ?? [], summary, { dir: a.ctx.dir, log: a.report.log ?? null, warn: a.out.warn, env: process.env });
}
