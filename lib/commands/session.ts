/**
 * The part of `heph run` and `heph hook run` after planning: print the plan
 * (dry-run) or execute it with a run log, stream one line per check, print the
 * summary or the JSON report, and say which exit code the outcome means.
 */
import { monotonicMs } from '../clock.js';
import type { Context } from './context.js';
import type { RunOptions } from './options.js';
import type { Prepared } from '../run/pipeline.js';
import { execute } from '../run/execute.js';
import { fixScope } from '../run/fixflow.js';
import { encodeBytes } from '../git/bytes.js';
import { fixPolicy, type ConfirmFix } from '../run/confirm.js';
import { BEFORE_FIX_REF, ROLLBACK_REF, dropBeforeFix, keepBeforeFix, saveRollback, type TreeSnapshot } from '../git/rollback.js';
import { snapshotTrees } from '../git/rollback-snapshot.js';
import type { CheckResult, RunReport } from '../run/types.js';
import { openRunLog, nullLog, type RunLog } from '../state/logs.js';
import { runRecord } from '../run/record.js';
import type { Output } from '../report/output.js';
import { idWidth, printPlan, printResult, printSummary } from '../report/human.js';
import { groupedPrinter } from '../report/grouped.js';
import { planJson, reportJson } from '../report/json.js';
import { EXIT } from '../errors.js';
import { publishPasses } from './remote-publish.js';

export interface SessionOptions {
  ctx: Context;
  opts: RunOptions;
  out: Output;
  prepared: Prepared;
  started: number;
  signal?: AbortSignal;
  msgfile?: string | null;
  /** Written at the top of the run log (the event and its arguments). */
  logHeader?: string;
  /** A caller that changes the tree after the run (pre-commit) records the fixes' rollback point itself. */
  rollback?: RollbackPoint;
}

export function printDryRun({ out, prepared, started }: Pick<SessionOptions, 'out' | 'prepared' | 'started'>): number {
  if (out.json) out.data(planJson(prepared.plan, monotonicMs() - started));
  else printPlan(out, prepared.plan);
  return EXIT.ok;
}

/** A dry run: plans read-only (no lock, no disk check, nothing written) and prints the plan. */
export async function dryRun(prepare: () => Promise<Prepared>, out: Output, started: number): Promise<number> {
  const prepared = await prepare();
  try {
    return printDryRun({ out, prepared, started });
  } finally {
    await prepared.store.close();
  }
}

/** The run log is a record, not a requirement: a folder that cannot be written runs without one. */
function tryOpenRunLog(dir: string, keep: number, out: Output): RunLog {
  try {
    return openRunLog(dir, keep);
  } catch (err) {
    out.warn(`could not write a run log in ${dir} (${(err as Error).message}); running without one`);
    return nullLog;
  }
}

export async function runSession(s: SessionOptions): Promise<RunReport> {
  const { ctx, opts, out, prepared } = s;
  const plan = prepared.plan;
  const needsLog = plan.phases.some((p) => p.items.some((i) => i.action === 'run'));
  const log: RunLog = needsLog ? tryOpenRunLog(ctx.dir, ctx.config.settings.logs.keep, out) : nullLog;
  log.write(`heph run started ${new Date().toISOString()} pid ${process.pid}`);
  log.write(`mode ${plan.mode}${plan.event ? `, event ${plan.event}` : ''}${s.logHeader ? `\n${s.logHeader}` : ''}`);
  const width = idWidth(plan);
  const rollback = s.rollback ?? rollbackPoint(ctx.repo.root, out);
  rollback.limitTo(fixScope(plan, opts.autoFix));
  // While a fix question is on screen, lines of checks finishing meanwhile wait, then print.
  const held: CheckResult[] = [];
  let asking = false;
  const grouped = ctx.config.members?.length && !out.json ? groupedPrinter(plan, (r) => printResult(out, r, width), (l) => out.line(l)) : null;
  const print = (r: CheckResult) => (grouped ? grouped.add(r) : printResult(out, r, width));
  const show = (r: CheckResult) => (asking ? held.push(r) : print(r));
  const confirm = fixPolicy(opts.interactive, out.json);
  const confirmFix: ConfirmFix | undefined =
    confirm &&
    (async (item) => {
      asking = true;
      try {
        return await confirm(item);
      } finally {
        asking = false;
        for (const r of held.splice(0)) print(r);
      }
    });
  try {
    const report = await execute(plan, {
      root: ctx.repo.root,
      concurrency: opts.concurrency,
      autoFix: opts.autoFix,
      confirmFix,
      beforeFix: rollback.beforeFix,
      env: process.env,
      msgfile: s.msgfile,
      signal: s.signal,
      store: prepared.store,
      fingerprints: prepared.fingerprints,
      log,
      warn: (msg) => out.warn(msg),
      onResult: (r) => {
        r.endedAtMs = Math.round(monotonicMs() - s.started);
        if (!out.json) show(r);
      },
    });
    if (!s.rollback) await rollback.save();
    if (!s.signal?.aborted) await publishPasses(ctx, out, prepared, report);
    report.durationMs = Math.round(monotonicMs() - s.started);
    const outcome = s.signal?.aborted ? `interrupted (${String(s.signal.reason ?? 'signal')})` : report.ok ? 'ok' : 'failed';
    log.write(`heph run ended ${new Date().toISOString()}: ${outcome} in ${report.durationMs} ms`);
    await prepared.store.addRun(runRecord(plan, report, { at: Date.now(), interrupted: s.signal?.aborted ? String(s.signal.reason ?? 'signal') : null, skipTests: opts.skipTests, skip: opts.skip }));
    return report;
  } finally {
    grouped?.flush();
    log.close();
  }
}

export interface RollbackPoint {
  /** The only paths the run's fixes may write (null: any), known before the first starts. */
  limitTo(paths: string[] | null): void;
  /** Before each fix: the first records the state (the executor calls these one at a time). */
  beforeFix(item: { id: string }): Promise<void>;
  /** After the run: records the state the fixes left, if any fix ran. */
  save(): Promise<void>;
}

/**
 * The rollback point of a run's fixes: the working tree and index before the
 * first fix, and again after the run. Recording is best effort: a failure
 * warns and the fixes go on (git still holds the staged work).
 * `unstagedPatch`: in a pre-commit, the unstaged changes put aside, so the
 * recorded working tree is the user's. Once `limitTo` has named the paths
 * fixes may write, both records read only those from the working tree (and,
 * after the run, the paths the put-aside patch touched, back by then).
 */
export function rollbackPoint(root: string, out: Output, unstagedPatch: () => string | null = () => null): RollbackPoint {
  let before: Promise<(TreeSnapshot & { patched: Buffer[]; indexFile: string }) | null> | null = null;
  let scope: Buffer[] | null = null;
  const checks: string[] = [];
  const failed = (err: unknown) => {
    out.warn(`could not record the state before fixes (heph rollback will not undo them): ${(err as Error).message}`);
    return null;
  };
  return {
    limitTo(paths) {
      scope = paths && paths.map(encodeBytes);
    },
    async beforeFix(item) {
      checks.push(item.id);
      // Kept under a ref at once: a kill -9 during the fixes must not leave what they replaced unreachable.
      before ??= snapshotTrees(root, unstagedPatch(), scope)
        .then(async (snap) => (await keepBeforeFix(root, snap, checks), snap))
        .catch(failed);
      await before;
    },
    async save() {
      const snap = before && (await before);
      if (!snap) return;
      try {
        const after = await snapshotTrees(root, null, scope && unique([...scope, ...snap.patched]), snap.indexFile);
        // Fixes that changed nothing (a formatter run on clean files) keep the last record.
        if (after.worktree !== snap.worktree || after.index !== snap.index) await saveRollback(root, snap, after, checks, Date.now(), ROLLBACK_REF, BEFORE_FIX_REF);
        else await dropBeforeFix(root);
      } catch (err) {
        failed(err);
      }
    },
  };
}

const unique = (paths: Buffer[]) => [...new Map(paths.map((p) => [p.toString('latin1'), p])).values()];

export function finishReport(out: Output, report: RunReport): number {
  if (out.json) out.data(reportJson(report));
  else printSummary(out, report);
  if (report.interrupted) return report.interrupted === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  return report.ok ? EXIT.ok : EXIT.checkFailed;
}
