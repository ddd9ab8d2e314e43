/**
 * The fix flow of one check: whether its fix is its own tool in write mode
 * (so the fix's exit status is the check's verdict on what it leaves), the
 * fix itself, the recheck, and the recheck after later fixes.
 */
import type { Plan, PlanItem } from '../plan/types.js';
import type { ProcessResult } from './process.js';
import type { Contents } from './contents.js';
import { intersect, type FileSet, type Reads } from './schedule.js';
import { splitWords } from './words.js';

/** Options that only make a tool report instead of write: dropped from `run` when comparing. */
const REPORT_ONLY = new Set(['--check', '--diff', '-d', '--list-different', '-l', '--dry-run']);

/**
 * True when `fix` is `run` in write mode: the same words once `run`'s
 * report-only options are dropped and the options only `fix` has (`--fix`,
 * `--write`, `-w`…) are ignored. `prettier --check {files}` / `prettier
 * --write {files}`, `ruff check {files}` / `ruff check --fix {files}`, `black
 * --check {files}` / `black {files}`, `uv lock --check` / `uv lock`. An option
 * only `run` has (`--select=ALL`) or any other word that differs makes it
 * another command, whose success says nothing about the check.
 */
export function isOwnCheck(run: string, fix: string, shell: boolean): boolean {
  const split = (s: string) => (shell ? s.split(/\s+/).filter(Boolean) : splitWords(s));
  let r: string[];
  let f: string[];
  try {
    r = split(run).filter((w) => !REPORT_ONLY.has(w));
    f = split(fix);
  } catch {
    return false;
  }
  const inRun = new Set(r);
  f = f.filter((w) => !w.startsWith('-') || inRun.has(w));
  return r.length === f.length && r.every((w, i) => w === f[i]);
}

export type Ran = ProcessResult & { ok: boolean };

/** A check's outcome before it becomes a result: the process whose output is its tail. */
export interface Outcome {
  status: 'passed' | 'failed' | 'fixed' | 'not-run';
  reason: string;
  durationMs: number;
  res: Ran | null;
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** What the flow needs from the executor. */
export interface FlowContext {
  invoke(item: PlanItem, cmd: string, label: string, files?: string[] | null): Promise<Ran>;
  /** Null when the fix may go ahead (asked, rollback point recorded), else why not. */
  approve(item: PlanItem): Promise<string | null>;
  contents: Contents;
  /** --interactive: a fix is applied only to a failing check, after asking. */
  asks: boolean;
}

/** The outcome of one run of a command: passed, or failed with why. */
export function verdict(item: PlanItem, res: Ran, durationMs = res.durationMs): Outcome {
  const status = res.interrupted ? 'not-run' : res.ok ? 'passed' : 'failed';
  const reason = res.interrupted ? 'interrupted' : res.timedOut ? `timed out after ${item.check.timeoutMs} ms` : res.spawnError ? `could not start ${res.spawnError}` : item.reason;
  return { status, reason, durationMs, res };
}

/**
 * A check whose fix may run. When the fix is the check's own tool in write
 * mode and takes `{files}`, it runs first and alone: its exit status is the
 * check's verdict on what it leaves, so a clean or fixable file costs one
 * start. Otherwise the check runs, and only when it fails the fix, then the
 * check again (unless the fix is its own check and succeeded). A fix that
 * exits non-zero is judged by the recheck: the pre-commit convention exits 1
 * after changing files, and `eslint --fix` exits 1 when problems remain.
 */
export async function fixFlow(ctx: FlowContext, item: PlanItem): Promise<{ outcome: Outcome; changed: FileSet }> {
  const check = item.check;
  const fix = check.fix!;
  const own = isOwnCheck(check.run, fix, check.shell);
  const scoped = item.files && fix.includes('{files}') ? item.files : null;
  const fixFirst = own && scoped !== null && !ctx.asks;
  const none: FileSet = new Set<string>();
  let duration = 0;
  let first: Ran | null = null;
  if (!fixFirst) {
    first = await ctx.invoke(item, check.run, 'run');
    duration += first.durationMs;
    if (first.ok || first.interrupted) return { outcome: verdict(item, first), changed: none };
  }
  const refused = await ctx.approve(item);
  if (refused !== null) return { outcome: first ? { ...verdict(item, first), reason: refused } : { status: 'not-run', reason: refused, durationMs: 0, res: null }, changed: none };
  const before = scoped ? await ctx.contents.before(scoped) : null;
  const fixRes = await ctx.invoke(item, fix, 'fix');
  duration += fixRes.durationMs;
  if (!before) ctx.contents.forget();
  const changed: FileSet = before ? await ctx.contents.changed(before) : 'all';
  const touched = changed === 'all' ? 'files' : plural(changed.size, 'file');
  const any = changed === 'all' || changed.size > 0;
  if (fixRes.interrupted) return { outcome: { status: 'not-run', reason: 'interrupted', durationMs: duration, res: fixRes }, changed };
  if (fixRes.timedOut || fixRes.spawnError) {
    const why = fixRes.timedOut ? `timed out after ${check.timeoutMs} ms` : `could not start ${fixRes.spawnError}`;
    return { outcome: { status: 'failed', reason: `fix failed: ${why}`, durationMs: duration, res: fixRes }, changed };
  }
  if (fixRes.ok && own && (fixFirst || any)) {
    const outcome: Outcome = any ? { status: 'fixed', reason: `fix applied to ${touched}`, durationMs: duration, res: fixRes } : { ...verdict(item, fixRes, duration) };
    return { outcome, changed };
  }
  const res = await ctx.invoke(item, check.run, 'recheck');
  duration += res.durationMs;
  if (res.interrupted || res.timedOut || res.spawnError) return { outcome: verdict(item, res, duration), changed };
  const exited = fixRes.ok ? '' : ` (the fix exited ${fixRes.exitCode})`;
  if (!res.ok) return { outcome: { status: 'failed', reason: `still failing after fix${exited}`, durationMs: duration, res }, changed };
  if (!any && fixFirst) return { outcome: verdict(item, res, duration), changed };
  return { outcome: { status: 'fixed', reason: fixRes.ok ? 'fix applied, recheck passed' : `fix applied${exited}, recheck passed`, durationMs: duration, res }, changed };
}

/**
 * A fixed or passed check whose files a later fix changed runs again on
 * those files, so its result describes what the phase leaves behind.
 */
export async function reverify(ctx: FlowContext, item: PlanItem, o: Outcome, reads: Reads, later: FileSet, by: string[]): Promise<Outcome> {
  if (o.status !== 'passed' && o.status !== 'fixed') return o;
  // A command without `{files}` runs whole; one with them, on the files that changed.
  const files = reads instanceof Set ? [...(intersect(reads, later) as ReadonlySet<string>)] : item.files;
  if (files && !files.length) return o;
  const res = await ctx.invoke(item, item.check.run, `recheck after ${by.join(', ')}`, files);
  const total = o.durationMs + res.durationMs;
  if (res.ok) return { ...o, durationMs: total };
  if (res.interrupted || res.timedOut || res.spawnError) return verdict(item, res, total);
  return { status: 'failed', reason: `failed after ${by.join(', ')} changed its files`, durationMs: total, res };
}

/**
 * Every path a fix of the run may write, or null when a fix may write any: one
 * without `{files}`, a check given no file list, or one whose `inputs` name
 * more than its `files` (a fix may rewrite an input: `uv lock` and `uv.lock`).
 * Known before the first fix starts, so the rollback point records only these.
 */
export function fixScope(plan: Plan, autoFix: boolean): string[] | null {
  if (!autoFix) return [];
  const out = new Set<string>();
  for (const item of plan.phases.flatMap((p) => p.items)) {
    const fix = item.action === 'run' ? item.check.fix : null;
    if (!fix) continue;
    if (!item.files || !fix.includes('{files}') || ownInputs(item)) return null;
    for (const f of item.files) out.add(f);
  }
  return [...out];
}

/** The check's `inputs` name more than its `files` (they default to its `files`): null when not. */
export function ownInputs(item: PlanItem): string[] | null {
  const { inputs, files } = item.check;
  const same = inputs === files || (!!inputs && !!files && [...inputs].sort().join('\0') === [...files].sort().join('\0'));
  return same || !inputs?.length ? null : inputs;
}
