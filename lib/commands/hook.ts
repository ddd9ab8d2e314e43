/**
 * `heph hook run <event> [git's args]`: what installed hooks call, and a way to
 * rehearse a hook by hand (--dry-run, --json). The event decides the files and
 * the snapshot (hook-events.ts); pre-commit also puts unstaged changes aside
 * while checks run, re-stages what fixes changed and always restores.
 */
import { configPath, loadContext, type Context } from './context.js';
import { findRepo, hephDir } from '../git/repo.js';
import { envFlag, runOptions, type RunFlags, type RunOptions } from './options.js';
import { dryRun, finishReport, rollbackPoint, runSession, type RollbackPoint } from './session.js';
import { withRunLock } from './run-lock.js';
import { afterRun, type AfterRun } from './after-run.js';
import { eventPlan, type EventPlan } from './hook-events.js';
import { commitSnapshot, startEarlyScope, useCommitConfig, type CommitSnapshot, type EarlyScope } from './commit-scope.js';
import { preparePlan, type Prepared } from '../run/pipeline.js';
import { commitReadFor, dropCommitRead, takeEarlySnapshot } from '../run/early.js';
import type { CommitRead } from '../run/commit-read.js';
import { addCleanup } from '../run/signals.js';
import { openStore, preloadDriver } from '../state/store.js';
import { ScopeMemo } from '../state/scope-memo.js';
import { compileGlobs } from '../util/glob.js';
import { eventHook, withMemberMode } from '../plan/members.js';
import { git } from '../git/exec.js';
import { UnstagedStash } from '../git/stash.js';
import { shown } from '../git/aside.js';
import { pathsInput } from '../git/stash-git.js';
import { indexInfo, parseStageEntries } from '../git/ls-files.js';
import { HOOK_EVENTS, type HookEvent, type ResolvedHook } from '../config/types.js';
import type { RunReport } from '../run/types.js';
import type { StateStore } from '../state/types.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
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
  const started = performance.now();
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
  const read = commitEvent ? commitReadFor(repo) : undefined;
  // The part of the tree the last commit read: read now, kept if this commit's scope is the same.
  const early = read && !opts.dryRun ? startEarlyScope(repo, ScopeMemo.open(hephDir(repo), repo.gitDir, event)) : undefined;
  try {
    return await runEvent(event, args, flags, out, opts, started, startedAt, read, early);
  } finally {
    if (read) dropCommitRead(repo.root);
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
): Promise<number> {
  const ctx = await loadContext(undefined, { deferMembers: true });
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
  const code = await withRunLock(
    ctx,
    out,
    async ({ signal, interrupted, waited }) => {
      if (waited) {
        // Another run held the lock: what was read before may be stale.
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

/**
 * The stash's first read in a commit's scope, started with the lock held (no
 * other run has changes aside) while the plan is made: it is needed as soon as
 * a check runs, and a scope is small. The whole tree's waits until one does.
 */
function startScan(root: string, paths: Promise<string[] | null>): Promise<Buffer | undefined> {
  const scan = paths.then((scope) => (scope ? UnstagedStash.scan(root, scope) : undefined));
  scan.catch(() => {}); // awaited only when a check runs
  return scan;
}

/**
 * Runs the checks with unstaged changes put aside (only when something runs),
 * re-stages the files that fixes changed, then restores, always. The fixes'
 * rollback point is recorded once everything is back: it spans the user's
 * whole working tree, before and after. `scope`: the literal paths the checks
 * can read (null: the whole tree); unstaged changes elsewhere stay where they are.
 * `scan`: the stash's first read of that scope, started earlier (startScan).
 */
async function withStagedOnly(
  ctx: Context,
  out: Output,
  prepared: Prepared,
  staged: string[],
  scope: string[] | null,
  run: (rollback: RollbackPoint) => Promise<RunReport>,
  scan?: Promise<Buffer | undefined>,
): Promise<RunReport> {
  const runs = prepared.plan.phases.some((p) => p.items.some((i) => i.action === 'run'));
  const stash = runs ? UnstagedStash.create(ctx.repo.root, ctx.repo.gitDir, ctx.dir, scope, await scan) : null;
  const point = rollbackPoint(ctx.repo.root, out, () => stash?.patchFile ?? null);
  // Checks whose fix started: what they were given may have been rewritten, even if they then failed.
  const fixStarted = new Set<string>();
  const rollback: RollbackPoint = { ...point, beforeFix: (item) => (fixStarted.add(item.id), point.beforeFix(item)) };
  let fixed: string[] = [];
  const touched = () => fixablePaths(prepared, stash, fixStarted);
  const forget = stash ? addCleanup(() => stash.restore(fixed, touched())) : () => {};
  try {
    const report = await run(rollback);
    const fixedChecks = new Set(report.checks.filter((c) => c.status === 'fixed').map((c) => c.id));
    if (fixedChecks.size) {
      const items = prepared.plan.phases.flatMap((p) => p.items).filter((i) => fixedChecks.has(i.id));
      // Only the staged files a fixed check was given (all of them for a whole-project check): a
      // staged file no fix was pointed at that changed meanwhile was changed by someone else (an
      // editor saving), and that is not for heph to stage.
      const given = items.some((i) => !i.files) ? staged : [...new Set(items.flatMap((i) => i.files ?? []))];
      const inputs = items.filter((i) => i.check.inputs).map((i) => compileGlobs(i.check.inputs!));
      fixed = await restage(ctx, given, inputs, new Set(stash?.intentToAdd), scope);
    }
    if (fixed.length) out.line(`re-staged ${fixed.length} file${fixed.length === 1 ? '' : 's'} changed by fixes: ${fixed.join(', ')}`);
    return report;
  } finally {
    forget();
    if (stash) {
      const { dropped, kept, fixKept, incomplete } = stash.restore(fixed, touched());
      if (incomplete) out.warn(`some unstaged changes could not be put back: they are in ${incomplete} (aside/ and manifest.json); the next heph command here retries`);
      for (const k of fixKept) out.warn(`a fix rewrote ${k.path}, whose unstaged changes touch the same lines (or delete it): your version is back as it was; the fix's version is in ${k.copy}`);
      if (dropped.length) out.warn(`fixes and your unstaged changes touched the same lines in ${dropped.map(shown).join(', ')}: the fixes are staged, your unstaged changes are back as they were`);
      for (const k of kept) out.warn(`${k.path} changed while the hook ran: it keeps its new content; your version from before the hook is in ${k.copy}`);
    }
    await rollback.save();
  }
}

/**
 * Put-aside paths that a fix which started may have rewritten: the files given
 * to its check, that check's inputs, and every path for a check given no file
 * list. On restore such a path is merged with the user's version (or the
 * user's version comes back whole and the fix's is kept and named) instead of
 * being taken for an edit saved during the hook: this covers a fix that left
 * its check failing (eslint --fix with errors left) and one cut short by Ctrl-C.
 */
function fixablePaths(prepared: Prepared, stash: UnstagedStash | null, started: Set<string>): string[] {
  if (!stash || !started.size) return [];
  const items = prepared.plan.phases.flatMap((p) => p.items).filter((i) => started.has(i.id));
  if (items.some((i) => !i.files)) return stash.files;
  const given = new Set(items.flatMap((i) => i.files ?? []));
  const inputs = items.filter((i) => i.check.inputs).map((i) => compileGlobs(i.check.inputs!));
  return stash.files.filter((b) => given.has(shown(b)) || inputs.some((m) => m(shown(b))));
}

/**
 * Stages the tracked files fixes changed: those that were staged, and the
 * inputs of a fixed check (a lock file a manifest change made `uv lock`
 * rewrite belongs in the commit). Unstaged changes are aside at this point, so
 * every difference from the index is a fix's.
 */
async function restage(ctx: Context, stagedFiles: string[], inputs: ((f: string) => boolean)[], intentToAdd: Set<string>, scope: string[] | null): Promise<string[]> {
  const staged = new Set(stagedFiles);
  const cwd = ctx.repo.root;
  const differing = async () =>
    byteNames((await git(['diff', '--name-only', '-z', '--no-relative', '--no-renames', '--no-ext-diff', '--ignore-submodules=all', ...(scope ? ['--', ...scope] : [])], { cwd, env: LITERAL })).stdout);
  // Names as bytes (latin1 strings), matched in their UTF-8 reading.
  // An intent-to-add file is not part of the commit: staging it would commit it (empty while it is aside).
  const changed = (await differing()).filter((b) => {
    const f = shown(b);
    return !intentToAdd.has(b) && (staged.has(f) || inputs.some((m) => m(f)));
  });
  if (!changed.length) return changed;
  const add = await git(['add', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], { cwd, input: pathsInput(changed), env: LITERAL, okCodes: [1] });
  if (add.code !== 0) {
    // git exits 1 when a path lies in an ignored directory, even a tracked file it did stage: what
    // counts is whether every file now matches the index.
    const left = new Set(await differing());
    const missed = changed.filter((b) => left.has(b));
    if (missed.length) throw new HephError('git', `git add failed for ${missed.map(shown).join(', ')}: ${add.stderr.trim()}`, 'the fixes are in the working tree, not staged: stage them with git add, then commit again');
  }
  await mirrorToRealIndex(ctx, changed);
  return changed;
}

const byteNames = (b: Buffer) => b.toString('latin1').split('\0').filter(Boolean);

const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };

/**
 * `git commit <paths>` commits a temporary index, then installs the real index
 * it prepared before the hook ran (`index.lock`): the fixes go in both, or the
 * next commit would take the unfixed content back.
 */
async function mirrorToRealIndex(ctx: Context, files: string[]): Promise<void> {
  const used = process.env.GIT_INDEX_FILE;
  if (!used || !basename(used).startsWith('next-index-')) return;
  const real = join(ctx.repo.gitDir, 'index.lock');
  if (!existsSync(real)) return;
  const want = new Set(files);
  const recs = parseStageEntries((await git(['ls-files', '-s', '-z'], { cwd: ctx.repo.root })).stdout.toString('latin1'))
    .filter((e) => want.has(e.path))
    .map(indexInfo);
  if (recs.length) await git(['update-index', '-z', '--index-info'], { cwd: ctx.repo.root, input: pathsInput([...recs, '']), env: { GIT_INDEX_FILE: real } });
}
