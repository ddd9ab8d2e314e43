/**
 * `heph hook run <event> [git's args]`: what installed hooks call, and a way to
 * rehearse a hook by hand (--dry-run, --json). The event decides the files and
 * the snapshot (hook-events.ts); pre-commit also puts unstaged changes aside
 * while checks run, re-stages what fixes changed and always restores.
 */
import { loadContext, type Context } from './context.js';
import { envFlag, runOptions, type RunFlags, type RunOptions } from './options.js';
import { dryRun, finishReport, rollbackPoint, runSession, type RollbackPoint } from './session.js';
import { withRunLock } from './run-lock.js';
import { afterRun, type AfterRun } from './after-run.js';
import { eventPlan, type EventPlan } from './hook-events.js';
import { preparePlan, type Prepared } from '../run/pipeline.js';
import { takeEarlySnapshot } from '../run/early.js';
import { readSnapshot } from '../git/snapshot.js';
import { addCleanup } from '../run/signals.js';
import { openStore, preloadDriver } from '../state/store.js';
import { compileGlobs } from '../plan/glob.js';
import { git, splitZ } from '../git/exec.js';
import { UnstagedStash } from '../git/stash.js';
import { HOOK_EVENTS, type HookEvent, type ResolvedHook } from '../config/types.js';
import type { RunReport } from '../run/types.js';
import type { StateStore } from '../state/types.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';
import { debug } from '../debug.js';

const mark = debug('time');

/** Events whose exit code git ignores: heph never blocks them and exits 0. */
const NEVER_BLOCK: HookEvent[] = ['post-checkout', 'post-merge', 'post-rewrite'];

export async function hookCommand(act: string, event: string, args: string[], flags: RunFlags, out: Output): Promise<number> {
  if (act !== 'run') throw new HephError('usage', `unknown hook action "${act}"`, 'use `heph hook run <event> [args]`');
  if (!HOOK_EVENTS.includes(event as HookEvent)) {
    throw new HephError('usage', `unknown hook event "${event}"`, `events: ${HOOK_EVENTS.join(', ')}`);
  }
  if (envFlag(process.env, 'HEPH') === false) return EXIT.ok;
  const ev = event as HookEvent;
  if (!NEVER_BLOCK.includes(ev)) return runHook(ev, args, flags, out);
  try {
    await runHook(ev, args, flags, out);
  } catch (err) {
    out.error(err);
    out.warn(`${ev} never blocks: git goes on`);
  }
  return EXIT.ok;
}

async function runHook(event: HookEvent, args: string[], flags: RunFlags, out: Output): Promise<number> {
  const started = performance.now();
  const startedAt = Date.now();
  mark('hook command started');
  preloadDriver();
  const opts = runOptions(flags);
  // Only a commit's fixes become part of what git records: in a push or a checkout a fix would turn a
  // check green on a working tree that is not what is pushed, and must not change tracked files.
  if (event !== 'pre-commit' && event !== 'commit-msg') opts.autoFix = false;
  const ctx = await loadContext(undefined, { deferMembers: true });
  const hook = ctx.config.hooks[event];
  if (!hook) {
    out.line(`.heph.json has no ${event} hook: nothing to run`);
    return EXIT.ok;
  }
  const commitEvent = event === 'pre-commit' || event === 'commit-msg';
  const readIndex = () => takeEarlySnapshot(ctx.repo.root, 'index') ?? readSnapshot({ root: ctx.repo.root, source: 'index', staged: true });
  let snapshot = commitEvent ? readIndex() : undefined;
  const ev = await eventPlan(ctx.repo.root, event, args, snapshot);
  if (!ev.candidates) {
    out.line(`heph ${event}: ${ev.idle}`);
    return EXIT.ok;
  }
  const remote = { warn: out.warn, stateDir: opts.dryRun ? null : ctx.dir };
  const plan = async (store: StateStore | Promise<StateStore>) => (await ctx.members, preparePlan({ ...request(ctx, opts, event, hook, ev, store), snapshot, remote }));
  if (opts.dryRun) return dryRun(() => plan(openStore({ dir: ctx.dir, readOnly: true, warn: out.warn })), out, started);
  // Summary and webhooks come after the lock is released: another run need not wait for them.
  let after = null as AfterRun | null;
  const code = await withRunLock(
    ctx,
    out,
    async ({ signal, interrupted, waited }) => {
      if (waited) {
        // Another run held the lock: what was read before may be stale.
        takeEarlySnapshot(ctx.repo.root, ev.source);
        snapshot = commitEvent ? readSnapshot({ root: ctx.repo.root, source: 'index', staged: true }) : undefined;
      }
      mark('lock held');
      const store = await openStore({ dir: ctx.dir, warn: out.warn });
      mark('store open');
      if (ev.invalidate.length) await ctx.members.then(() => invalidate(ctx, store, ev.invalidate));
      const prepared = await plan(store);
      mark('plan sealed');
      try {
        const run = (rollback?: RollbackPoint) => runSession({ ctx, opts, out, prepared, started, signal, msgfile: ev.msgfile, logHeader: ev.header, rollback });
        const report = event === 'pre-commit' ? await withStagedOnly(ctx, out, prepared, ev.candidates!, run) : await run();
        report.interrupted = interrupted();
        mark('checks done');
        after = { ctx, opts, out, prepared, report, startedAt };
        return finishReport(out, report);
      } finally {
        await prepared.store.close();
        mark('store closed');
      }
    },
    { command: `hook ${event}` },
  );
  if (after) await afterRun(after);
  return code;
}

function request(ctx: Context, opts: RunOptions, event: HookEvent, hook: ResolvedHook, ev: EventPlan, store: StateStore | Promise<StateStore>) {
  const phases = opts.phases && hook.phases ? opts.phases.filter((p) => hook.phases!.includes(p)) : (opts.phases ?? hook.phases);
  return {
    repo: ctx.repo,
    config: ctx.config,
    mode: opts.fast ? ('fast' as const) : hook.mode,
    event,
    source: ev.source,
    store,
    extra: ev.extra,
    candidates: () => ev.candidates!,
    select: { phases, only: opts.only, skip: opts.skip, skipTags: [...hook.skipTags, ...(opts.skipTests ? ['test'] : [])] },
    members: { projects: opts.projects, changed: ev.candidates, event },
  };
}

/** Forgets stored results whose inputs include any of the changed files. */
async function invalidate(ctx: Context, store: StateStore, changed: string[]): Promise<void> {
  const ids = ctx.config.phases
    .flatMap((p) => p.checks)
    .filter((c) => !c.inputs || changed.some(compileGlobs(c.inputs)))
    .map((c) => c.id);
  if (ids.length) await store.clear(ids);
}

/**
 * Runs the checks with unstaged changes put aside (only when something runs),
 * re-stages the files that fixes changed, then restores, always. The fixes'
 * rollback point is recorded once everything is back: it spans the user's
 * whole working tree, before and after.
 */
async function withStagedOnly(ctx: Context, out: Output, prepared: Prepared, staged: string[], run: (rollback: RollbackPoint) => Promise<RunReport>): Promise<RunReport> {
  const runs = prepared.plan.phases.some((p) => p.items.some((i) => i.action === 'run'));
  const stash = runs ? UnstagedStash.create(ctx.repo.root, ctx.repo.gitDir, ctx.dir) : null;
  const rollback = rollbackPoint(ctx.repo.root, out, () => stash?.patchFile ?? null);
  let fixed: string[] = [];
  const forget = stash ? addCleanup(() => stash.restore(fixed)) : () => {};
  try {
    const report = await run(rollback);
    const fixedChecks = new Set(report.checks.filter((c) => c.status === 'fixed').map((c) => c.id));
    if (fixedChecks.size) {
      const inputs = prepared.plan.phases.flatMap((p) => p.items).filter((i) => fixedChecks.has(i.id) && i.check.inputs);
      fixed = await restage(ctx, staged, inputs.map((i) => compileGlobs(i.check.inputs!)));
    }
    if (fixed.length) out.line(`re-staged ${fixed.length} file${fixed.length === 1 ? '' : 's'} changed by fixes: ${fixed.join(', ')}`);
    return report;
  } finally {
    forget();
    if (stash) {
      const { dropped } = stash.restore(fixed);
      if (dropped.length) out.warn(`fixes and your unstaged changes touched the same lines in ${dropped.join(', ')}: the fixes are staged, your unstaged changes are back as they were`);
    }
    await rollback.save();
  }
}

/**
 * Stages the tracked files fixes changed: those that were staged, and the
 * inputs of a fixed check (a lock file a manifest change made `uv lock`
 * rewrite belongs in the commit). Unstaged changes are aside at this point, so
 * every difference from the index is a fix's.
 */
async function restage(ctx: Context, stagedFiles: string[], inputs: ((f: string) => boolean)[]): Promise<string[]> {
  const staged = new Set(stagedFiles);
  const diff = await git(['diff', '--name-only', '-z', '--ignore-submodules=all'], { cwd: ctx.repo.root });
  const changed = splitZ(diff.stdout).filter((f) => staged.has(f) || inputs.some((m) => m(f)));
  if (changed.length) await git(['add', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], { cwd: ctx.repo.root, input: changed.join('\0') });
  return changed;
}
