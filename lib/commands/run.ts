/** `heph run`: every phase, in order, on the whole repository. */
import { monotonicMs } from '../clock.js';
import { loadContext, type Context } from './context.js';
import { runOptions, type RunFlags, type RunOptions } from './options.js';
import { dryRun, finishReport, runSession } from './session.js';
import { withRunLock } from './run-lock.js';
import { afterRun, type AfterRun } from './after-run.js';
import { preparePlan, type Prepared } from '../run/pipeline.js';
import { takeEarlySnapshot } from '../run/early.js';
import { dropPreopened, openStore, preloadDriver, preopenStore } from '../state/store.js';
import { startDiskCheck } from '../state/disk.js';
import type { Output } from '../report/output.js';
import { debug } from '../debug.js';
import { startingMember } from './member-cwd.js';

const mark = debug('time');

async function plan(ctx: Context, opts: RunOptions, out: Output): Promise<Prepared> {
  await ctx.members;
  opts.projects ??= startingMember(ctx, opts, out);
  return preparePlan({
    repo: ctx.repo,
    config: ctx.config,
    mode: opts.fast ? 'fast' : 'full',
    event: null,
    source: 'worktree',
    store: openStore({ dir: ctx.dir, readOnly: opts.dryRun, warn: out.warn }),
    select: { phases: opts.phases, only: opts.only, skip: opts.skip, skipTags: opts.skipTests ? ['test'] : [] },
    remote: { warn: out.warn, stateDir: opts.dryRun ? null : ctx.dir },
    members: { projects: opts.projects, changed: null, event: null },
    memo: { dir: ctx.dir, write: !opts.dryRun },
  });
}

export async function runCommand(flags: RunFlags, out: Output): Promise<number> {
  const started = monotonicMs();
  const startedAt = Date.now();
  mark('run command started');
  preloadDriver();
  const opts = runOptions(flags);
  const ctx = await loadContext(undefined, { deferMembers: true });
  if (opts.dryRun) return dryRun(() => plan(ctx, opts, out), out, started);
  // While git is still read: the free space, and the store's connection (used once the lock is held, if still the same file).
  startDiskCheck(ctx.repo.root);
  preopenStore(ctx.dir);
  try {
    return await locked(ctx, opts, out, started, startedAt);
  } finally {
    await dropPreopened();
  }
}

async function locked(ctx: Context, opts: RunOptions, out: Output, started: number, startedAt: number): Promise<number> {
  // Summary and webhooks come after the lock is released: another run need not wait for them.
  let after = null as AfterRun | null;
  const code = await withRunLock(
    ctx,
    out,
    async ({ signal, interrupted, waited }) => {
      // The run we waited for may have fixed files: the snapshot read at startup is stale.
      if (waited) takeEarlySnapshot(ctx.repo.root, 'worktree');
      const prepared = await plan(ctx, opts, out);
      mark('plan sealed');
      try {
        const report = await runSession({ ctx, opts, out, prepared, started, signal });
        report.interrupted = interrupted();
        after = { ctx, opts, out, prepared, report, startedAt };
        return finishReport(out, report);
      } finally {
        await prepared.store.close();
      }
    },
    { command: 'run' },
  );
  if (after) await afterRun(after);
  return code;
}
