/**
 * `withRunLock`: what every command that runs checks or changes the working
 * tree wraps its work in (`heph run`, `heph hook run`). In order:
 *
 * 1. the disk guard: below `settings.minFreeDiskMB`, exit 4 and run nothing;
 * 2. the run lock: wait up to `settings.lockTimeout` for another run (saying
 *    so once), take over a dead holder's lock at once (with a warning), or
 *    exit 3;
 * 3. re-apply unstaged changes that a killed pre-commit left aside;
 * 4. `fn`, with Ctrl-C/SIGTERM turned into an abort of `lock.signal`;
 * 5. release, also on a forced exit (second Ctrl-C), through `addCleanup`.
 *
 * Read-only commands (`status`, `logs`, `--dry-run`) never call this.
 */
import type { Context } from './context.js';
import type { Output } from '../report/output.js';
import { acquireLock, type HeldLock } from '../state/acquire.js';
import { checkDisk } from '../state/disk.js';
import { addCleanup, interruptible, type Interrupt } from '../run/signals.js';
import { pendingStash, recoverStashes } from '../git/stash.js';
import { BEFORE_FIX_REF, KILLED_FIX_REF, settleKilledFix } from '../git/rollback.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from '../git/repo.js';

export interface RunLockScope {
  /** Aborted on SIGINT/SIGTERM: pass it to the session. */
  signal: AbortSignal;
  /** Which signal arrived, if any: the session's report records it. */
  interrupted: () => Interrupt;
  /** True if another run held the lock first: re-read anything read before (snapshot, results). */
  waited: boolean;
}

export interface RunLockOptions {
  /** Recorded in the lock and shown to a run that waits (`run`, `hook pre-commit`). */
  command?: string;
}

export async function withRunLock<T>(ctx: Context, out: Output, fn: (scope: RunLockScope) => Promise<T>, opts: RunLockOptions = {}): Promise<T> {
  await checkDisk(ctx.repo.root, ctx.config.settings.minFreeDiskMB);
  return interruptible(async (signal, interrupted) => {
    const lock: HeldLock = await acquireLock({
      dir: ctx.dir,
      timeoutMs: ctx.config.settings.lockTimeoutMs,
      command: opts.command,
      signal,
      onWait: (h) => out.info(`waiting for heph (pid ${h.pid})${h.command ? ` running ${h.command}` : ''} to finish…`),
      onTakeover: (h) =>
        out.warn(h ? `took over the run lock of heph pid ${h.pid}, which is no longer running` : `took over an unreadable run lock (${ctx.dir}/run.lock)`),
    });
    if (lock.unusable) out.warn(`heph's folder ${ctx.dir} cannot be written (${lock.unusable}); running without the run lock`);
    const forget = addCleanup(() => lock.release());
    try {
      recover(ctx, out);
      await recoverKilledFix(ctx, out);
      return await fn({ signal, interrupted, waited: lock.waited });
    } finally {
      forget();
      lock.release();
    }
  });
}

/** A run killed while its fixes ran: say once where the files as they were before the fixes are. */
async function recoverKilledFix(ctx: Pick<Context, 'repo'>, out: Pick<Output, 'warn'>): Promise<void> {
  // Per-worktree refs are loose files in the worktree's git dir: no git process on the common path.
  if (!existsSync(join(ctx.repo.gitDir, BEFORE_FIX_REF)) || !(await settleKilledFix(ctx.repo.root))) return;
  out.warn(
    `an interrupted heph run was applying fixes: files it fixed keep the fixes; the working tree and index from before them are kept at ${KILLED_FIX_REF} (one file back: git restore --source=${KILLED_FIX_REF}:before -- <path>)`,
  );
}

/**
 * Settles what a killed pre-commit left aside when the config cannot be read
 * yet: `.heph.json` itself may be among what was put aside (`git commit
 * <path>` with other changes to it). Takes the run lock with the default
 * timeout. True when something was put back.
 */
export async function recoverWithoutConfig(repo: Repo, dir: string, out: Pick<Output, 'warn'>): Promise<boolean> {
  if (!pendingStash(repo.gitDir, dir)) return false;
  const lock = await acquireLock({ dir, timeoutMs: 30_000, command: 'recover' });
  try {
    return recover({ repo, dir }, out);
  } finally {
    lock.release();
  }
}

/** Re-applies unstaged changes a killed run left aside (only the lock holder may touch the working tree). */
function recover(ctx: Pick<Context, 'repo' | 'dir'>, out: Pick<Output, 'warn'>): boolean {
  const { restored, kept, copies, orphans } = recoverStashes(ctx.repo.root, ctx.repo.gitDir, ctx.dir);
  for (const o of orphans) out.warn(`unstaged changes that an interrupted heph run put aside in ${o.root}, which no longer exists (moved or removed), are saved in ${o.dir}: aside/ holds them and manifest.json says where each belongs; delete that folder once you have them back`);
  for (const f of restored) out.warn(`restored unstaged changes that an interrupted heph run had put aside (${f})`);
  for (const c of copies) out.warn(`${c.path} changed after an interrupted heph run put it aside: it keeps its current content; your version from before is in ${c.copy}`);
  for (const f of kept) {
    if (f.endsWith('.patch')) out.warn(`unstaged changes from an interrupted run of an older heph are saved in ${f}; apply them where they belong: git apply --3way "${f}"`);
    else out.warn(`unstaged changes from an interrupted heph run are still saved in ${f}; they could not all be put back: see aside/ and manifest.json there (or git apply --3way the .patch beside it)`);
  }
  return restored.length + copies.length > 0;
}
