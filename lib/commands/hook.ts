/**
 * `heph hook run <event> [git's args]`: what installed hooks call, and a way to
 * rehearse a hook by hand (--dry-run, --json). The event decides the files and
 * the snapshot (hook-events.ts); pre-commit also puts unstaged changes aside
 * while checks run, re-stages what fixes changed and always restores.
 */
import { monotonicMs } from '../clock.js';
import { configPath, loadContext, type Context } from './context.js';
import { findRepo, hephDir } from '../git/repo.js';
import { envFlag, runOptions, type RunFlags, type RunOptions } from './options.js';
import { dryRun, finishReport, runSession, type RollbackPoint } from './session.js';
import { withRunLock } from './run-lock.js';
import { afterRun, type AfterRun } from './after-run.js';
import { eventPlan, type EventPlan } from './hook-events.js';
import { startScan, withStagedOnly } from './staged-only.js';
import { commitSnapshot, startEarlyScope, useCommitConfig, type CommitSnapshot, type EarlyScope } from './commit-scope.js';
import { preparePlan } from '../run/pipeline.js';
import { commitReadFor, dropCommitRead, takeEarlySnapshot } from '../run/early.js';
import type { CommitRead } from '../run/commit-read.js';
import { dropPreopened, openStore, preloadDriver, preopenStore } from '../state/store.js';
import { ScopeMemo } from '../state/scope-memo.js';
import { startDiskCheck } from '../state/disk.js';
import { compileGlobs } from '../util/glob.js';
import { eventHook, withMemberMode } from '../plan/members.js';
import { HOOK_EVENTS, type HookEvent, type ResolvedHook } from '../config/types.js';
import type { StateStore } from '../state/types.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';
import { existsSync } from 'node:fs';
import { debug } from '../debug.js';
import { isReplayable } from '../replay/verify.js';
import { dropReplay, layerCovered, recordingOutput, writeReplay } from '../replay/write.js';
import { resetObserved } from '../replay/observe.js';
import { runRecord } from '../run/record.js';
import { webhooksFor } from './after-run.js';

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
  // A branch from before heph was adopted has no config: its hooks have nothing to do.
  const repo = await findRepo();
  if (!existsSync(configPath(repo)) && !(await hasConfigAfterRecovery(repo))) return EXIT.ok;
  if (!NEVER_BLOCK.includes(ev)) return runHook(ev, args, flags, out);
  try {
    await runHook(ev, args, flags, out);
  } catch (err) {
    out.error(err);
    out.warn(`${ev} never blocks: git goes on`);
  }
  return EXIT.ok;
}

/** No config: unless a killed pre-commit had put it aside (then it is back, and the hook runs). */
async function hasConfigAfterRecovery(repo: Awaited<ReturnType<typeof findRepo>>): Promise<boolean> {
  const { recoverWithoutConfig } = await import('./run-lock.js');
  await recoverWithoutConfig(repo, hephDir(repo), { warn: (t) => process.stderr.write(`warning: ${t}\n`) });
  return existsSync(configPath(repo));
}

async function runHook(event: HookEvent, args: string[], flags: RunFlags, out: Output): Promise<number> {
  const started = monotonicMs();
  const startedAt = Date.now();
  mark('hook command started');
  preloadDriver();
  let opts = runOptions(flags);
  // Only a commit's fixes become part of what git records: in a push a fix would turn a check green on a
  // working tree that is not what is pushed; after a checkout, merge or rewrite heph only re-syncs, and a
  // fix would change tracked files under git's feet; commit-msg runs after git has written the commit's tree.
  if (event !== 'pre-commit') opts = { ...opts, autoFix: false };
  if (event !== 'pre-commit' && event !== 'pre-push') opts = { ...opts, interactive: false };
  const commitEvent = event === 'pre-commit' || event === 'commit-msg';
  // Started by the entry point already; the members a commit records are found from it.
  const repo = await findRepo();
  startDiskCheck(repo.root);
  const read = commitEvent ? commitReadFor(repo) : undefined;
  // The part of the tree the last commit read: read now, kept if this commit's scope is the same.
  const early = read && !opts.dryRun ? startEarlyScope(repo, ScopeMemo.open(hephDir(repo), repo.gitDir, event)) : undefined;
  // A pre-commit that reuses every result is recorded for replay (replay/write.ts): what it prints is kept.
  const replay = event === 'pre-commit' && !opts.dryRun && isReplayable(process.argv.slice(2)) ? recordingOutput(out) : null;
  try {
    return await runEvent(event, args, flags, replay?.out ?? out, opts, started, startedAt, read, early, replay);
  } finally {
    if (read) dropCommitRead(repo.root);
    await dropPreopened();
  }
}

async function runEvent(
  event: HookEvent,
  args: string[],
  flags: RunFlags,
  out: Output,
  opts: RunOptions,
  started: number,
  startedAt: number,
  read: CommitRead | undefined,
  early: EarlyScope | undefined,
  replay: ReturnType<typeof recordingOutput> | null = null,
): Promise<number> {
  const ctx = await loadContext(undefined, { deferMembers: true });
  const diskLayers = ctx.rootConfig.sources?.layers ?? [];
  // The store's connection opens while git is still read (the run lock decides whether it is used).
  if (!opts.dryRun && ctx.config.hooks[event]) preopenStore(ctx.dir);
  // A commit is checked by the config it commits, not by unstaged edits to it.
  if (read) await useCommitConfig(ctx, read, out);
  // An event only members define runs their checks (its shim is installed for them).
  if (!ctx.config.hooks[event]) await ctx.members;
  const hook = eventHook(ctx.config, event);
  const rootHook = !!ctx.config.hooks[event];
  // A hook with nothing to do prints nothing (a rehearsal says why).
  if (!hook) {
    if (opts.dryRun) out.line(`.heph.json has no ${event} hook: nothing to run`);
    return EXIT.ok;
  }
  const readCommit = (fresh: boolean): CommitSnapshot | undefined => read && commitSnapshot(ctx, read, selectOptions(opts, hook), { projects: opts.projects, changed: null, event, rootHook }, fresh, early);
  let commit = readCommit(false);
  let snapshot = commit?.snapshot;
  const ev = await eventPlan(ctx.repo.root, event, args, commit?.staged.then((staged) => ({ staged })));
  if (!ev.candidates) {
    if (opts.dryRun) out.line(`heph ${event}: ${ev.idle}`);
    return EXIT.ok;
  }
  const remote = { warn: out.warn, stateDir: opts.dryRun ? null : ctx.dir };
  const plan = async (store: StateStore | Promise<StateStore>) =>
    (await ctx.members, preparePlan({ ...request(ctx, opts, event, hook, rootHook, ev, store), snapshot, remote, memo: { dir: ctx.dir, write: !opts.dryRun } }));
  if (opts.dryRun) return dryRun(() => plan(openStore({ dir: ctx.dir, readOnly: true, warn: out.warn })), out, started);
  // Summary and webhooks come after the lock is released: another run need not wait for them.
  let after = null as AfterRun | null;
  let keep: { report: import('../run/types.js').RunReport } | null = null;
  const code = await withRunLock(
    ctx,
    out,
    async ({ signal, interrupted, waited }) => {
      if (waited) {
        // Another run held the lock: what was read before may be stale.
        resetObserved();
        replay = null;
        takeEarlySnapshot(ctx.repo.root, ev.source);
        commit = readCommit(true);
        snapshot = commit?.snapshot;
      }
      mark('lock held');
      const scan = commit && startScan(ctx.repo.root, commit.paths);
      const store = await openStore({ dir: ctx.dir, warn: out.warn });
      mark('store open');
      if (ev.invalidate.length) await ctx.members.then(() => invalidate(ctx, store, ev.invalidate));
      const prepared = await plan(store);
      mark('plan sealed');
      try {
        const run = (rollback?: RollbackPoint) => runSession({ ctx, opts, out, prepared, started, signal, msgfile: ev.msgfile, logHeader: ev.header, rollback });
        // commit-msg checks read files too: they must see what is committed, as pre-commit's do.
        const report = commit ? await withStagedOnly(ctx, out, prepared, ev.candidates!, await commit.paths, run, scan) : await run();
        report.interrupted = interrupted();
        mark('checks done');
        after = { ctx, opts, out, prepared, report, startedAt };
        const code = finishReport(out, report);
        if (replay) keep = { report };
        return code;
      } finally {
        await prepared.store.close();
        mark('store closed');
        // Under the lock, after the store's last write: a run that writes a result later removes the record.
        if (keep && !opts.summary && !webhooksFor(ctx, keep.report).length) {
          const layers = [...diskLayers, ...(ctx.rootConfig.sources?.layers ?? []), ...(ctx.config.members ?? []).flatMap((m) => m.layers ?? [])];
          await writeReplay({
            repo: ctx.repo,
            dir: ctx.dir,
            plan: prepared.plan,
            report: keep.report,
            lines: replay!.troubled() ? [] : replay!.lines,
            run: runRecord(prepared.plan, keep.report, { at: 0, interrupted: null, skipTests: opts.skipTests, skip: opts.skip }),
            minFreeMB: ctx.config.settings.minFreeDiskMB,
            configOk: !replay!.troubled() && layers.every(layerCovered),
          });
        } else if (replay) dropReplay(ctx.dir, ctx.repo.gitDir);
      }
    },
    { command: `hook ${event}` },
  );
  if (after) await afterRun(after);
  return code;
}

/** Which checks the hook selects (phases, names, tags), before any file is looked at. */
function selectOptions(opts: RunOptions, hook: ResolvedHook) {
  const phases = opts.phases && hook.phases ? opts.phases.filter((p) => hook.phases!.includes(p)) : (opts.phases ?? hook.phases);
  return { phases, only: opts.only, skip: opts.skip, skipTags: [...hook.skipTags, ...(opts.skipTests ? ['test'] : [])], platform: process.platform };
}

function request(ctx: Context, opts: RunOptions, event: HookEvent, hook: ResolvedHook, rootHook: boolean, ev: EventPlan, store: StateStore | Promise<StateStore>) {
  return {
    repo: ctx.repo,
    // --fast on the command line (or HEPH_FAST=1) wins over every hook's mode, a member's included.
    config: opts.fast ? withMemberMode(ctx.config, 'fast') : ctx.config,
    mode: opts.fast ? ('fast' as const) : hook.mode,
    event,
    source: ev.source,
    store,
    extra: ev.extra,
    candidates: () => ev.candidates!,
    select: selectOptions(opts, hook),
    members: { projects: opts.projects, changed: ev.candidates, event, rootHook },
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
