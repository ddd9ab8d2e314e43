/** `heph run`: every phase, in order, on the whole repository. */
import { loadContext } from './context.js';
import { runOptions, type RunFlags } from './options.js';
import { finishReport, printDryRun, runSession } from './session.js';
import { preparePlan } from '../run/pipeline.js';
import { openStore } from '../state/store.js';
import type { Output } from '../report/output.js';
import { interruptible } from '../run/signals.js';
import { debug } from '../debug.js';

const mark = debug('time');

export async function runCommand(flags: RunFlags, out: Output): Promise<number> {
  const started = performance.now();
  mark('run command started');
  const opts = runOptions(flags);
  const ctx = await loadContext();
  const mode = opts.fast ? 'fast' : 'full';
  const prepared = await preparePlan({
    repo: ctx.repo,
    config: ctx.config,
    mode,
    event: null,
    source: 'worktree',
    store: openStore({ dir: ctx.dir, readOnly: opts.dryRun, warn: out.warn }),
    select: { phases: opts.phases, only: opts.only, skip: opts.skip, skipTags: opts.skipTests ? ['test'] : [] },
  });
  mark('plan sealed');
  try {
    if (opts.dryRun) return printDryRun({ out, prepared, started });
    return await interruptible(async (signal, interrupted) => {
      const report = await runSession({ ctx, opts, out, prepared, started, signal });
      report.interrupted = interrupted();
      return finishReport(out, report);
    });
  } finally {
    await prepared.store.close();
  }
}
