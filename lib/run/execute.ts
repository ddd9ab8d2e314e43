/**
 * Executes a sealed Plan: phases in order; in a phase, fixes and checks in the
 * order schedule.ts derives from the files each reads and writes, at most
 * `concurrency` at once; each finished check's result stored as soon as it is
 * known, so an interrupted run keeps what it finished.
 */
import type { Plan, PlanItem, Status } from '../plan/types.js';
import type { StateStore } from '../state/types.js';
import { MANIFEST_IN_BASE, type Fingerprint } from '../state/fingerprint.js';
import type { RunLog } from '../state/logs.js';
import type { CheckResult, RunReport } from './types.js';
import type { ConfirmFix } from './confirm.js';
import { now as clock, monotonicMs } from '../clock.js';
import { failureTail } from '../report/tail.js';
import { Contents } from './contents.js';
import { fixFlow, ownInputs, reverify, verdict, type FlowContext, type Outcome, type Ran } from './fixflow.js';
import { intersect, overlaps, runTasks, union, type FileSet, type Reads, type Task } from './schedule.js';
import { compileGlobs } from '../util/glob.js';
import { invokeCheck } from './invoke.js';

export interface ExecuteOptions {
  root: string;
  concurrency: number;
  /** Run `fix` when `run` fails. */
  autoFix: boolean;
  /** Called before each fix is applied, one at a time (the rollback point); must not throw. */
  beforeFix?: (item: PlanItem) => Promise<void>;
  /** Asked before each fix, one at a time (interactive mode); absent means apply. */
  confirmFix?: ConfirmFix;
  env: NodeJS.ProcessEnv;
  /** The commit message file, for `{msgfile}`. */
  msgfile?: string | null;
  signal?: AbortSignal;
  store: StateStore;
  fingerprints: Map<string, Fingerprint>;
  log: RunLog;
  /** Non-fatal problems (the state store could not be written). */
  warn?: (msg: string) => void;
  /** Called as each check's outcome becomes known. */
  onResult?: (r: CheckResult) => void;
  now?: () => number;
}

/** A one-slot queue: questions and the rollback point, one check at a time. */
function serial() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = last.then(fn, fn);
    last = next.catch(() => {});
    return next;
  };
}

export async function execute(plan: Plan, opts: ExecuteOptions): Promise<RunReport> {
  const started = monotonicMs();
  const now = opts.now ?? clock;
  const results: CheckResult[] = [];
  const oneAtATime = serial();
  const contents = new Contents(opts.root);
  let failedPhase: string | null = null;
  /** Every file a fix of this run changed so far: results on them are not the planned content's. */
  let changedInRun: FileSet = new Set<string>();

  const emit = (r: CheckResult) => {
    results.push(r);
    opts.onResult?.(r);
  };

  const invoke = (item: PlanItem, cmd: string, label: string, files = item.files): Promise<Ran> => invokeCheck(opts, item, cmd, label, files);

  /** Null when the fix may go ahead (the rollback point is recorded), else why not. */
  const approve = (item: PlanItem) =>
    oneAtATime(async (): Promise<string | null> => {
      if (opts.signal?.aborted) return 'interrupted';
      const decision = opts.confirmFix ? await opts.confirmFix(item) : ({ apply: true } as const);
      if (!decision.apply) return decision.reason;
      await opts.beforeFix?.(item);
      return null;
    });

  const flow: FlowContext = { invoke, approve, contents, asks: Boolean(opts.confirmFix) };

  function toResult(item: PlanItem, phase: string, o: Outcome): CheckResult {
    const base = { id: item.id, phase, name: item.check.name, fingerprint: item.fingerprint };
    const exitCode = o.res?.exitCode ?? null;
    return {
      ...base,
      status: o.status,
      reason: o.reason,
      durationMs: o.durationMs,
      exitCode,
      ...(o.status === 'failed' && o.res ? { tail: failureTail(o.res.output) } : {}),
      ...(o.status === 'fixed' ? { fixed: true } : {}),
    };
  }

  async function finish(item: PlanItem, phase: string, o: Outcome): Promise<void> {
    const result = toResult(item, phase, o);
    if (result.status !== 'not-run') await record(item, result);
    emit(result);
  }

  /** A check the plan decided not to run: reported (and a reused result's shortcut stored) as planned. */
  async function emitPlanned(item: PlanItem, phase: string): Promise<void> {
    opts.log.write(`[${item.id}] ${item.action}: ${item.reason}`);
    const refresh = item.action === 'cached' ? opts.fingerprints.get(item.id)?.refresh : undefined;
    if (refresh) await opts.store.putResult(item.id, refresh).catch(() => {}); // only a shortcut for the next plan
    emit({ id: item.id, phase, name: item.check.name, status: item.action as Status, reason: item.reason, durationMs: 0, exitCode: null, fingerprint: item.fingerprint, ...(item.savedMs ? { savedMs: item.savedMs } : {}), ...(item.source ? { source: item.source } : {}) });
  }

  const accessOf = new Map<PlanItem, { reads: Reads; readsAll: boolean; writes: FileSet | null }>();

  /**
   * What a check reads, and what its fix may write (null: no fix will run). A
   * command without `{files}` reads the check's inputs when they are set apart
   * from its `files` (a type checker whose inputs are the Python files need not
   * wait for a fixer of JavaScript), everything otherwise; a fix without
   * `{files}` may write anything.
   */
  function access(item: PlanItem): { reads: Reads; readsAll: boolean; writes: FileSet | null } {
    let a = accessOf.get(item);
    if (a) return a;
    const scoped = (cmd: string, files: string[] | null) => (files && cmd.includes('{files}') ? new Set(files) : 'all');
    // Only inputs set apart from `files`: a whole-project check selected by `files` also reads its config.
    const inputs = ownInputs(item);
    const fix = opts.autoFix && item.action === 'run' ? item.check.fix : null;
    let reads: Reads | undefined;
    a = {
      // It reads every selected file, certified or not: a fix may change a certified one. Listed only
      // when a fix of the run makes it matter (a reused selection may not be listed yet).
      get reads() {
        if (reads) return reads;
        const listed = scoped(item.check.run, item.selected ?? item.files);
        return (reads = listed === 'all' && inputs?.length ? { match: compileGlobs(inputs) } : listed);
      },
      // Not a list of files (a non-skipped check with `files` always has some selected).
      readsAll: !(item.check.files && item.check.run.includes('{files}')),
      writes: fix ? scoped(fix, item.files) : null,
    };
    accessOf.set(item, a);
    return a;
  }

  async function runPhase(items: PlanItem[], phase: string): Promise<void> {
    const acc = items.map(access);
    const fixTasks = new Map<number, Task>();
    const fixed = new Map<number, { outcome: Outcome; changed: FileSet }>();
    const interrupted: Outcome = { status: 'not-run', reason: 'interrupted', durationMs: 0, res: null };
    items.forEach((item, i) => {
      const writes = acc[i].writes;
      if (!writes) return;
      const mine = union(writes, acc[i].reads);
      const deps = [...fixTasks].filter(([j]) => overlaps(acc[j].writes!, mine) || overlaps(writes, acc[j].reads)).map(([, t]) => t);
      fixTasks.set(i, {
        deps,
        priority: i,
        run: async () => {
          fixed.set(i, opts.signal?.aborted ? { outcome: interrupted, changed: new Set() } : await fixFlow(flow, item).catch((err) => ({ outcome: crashOutcome(item, err), changed: new Set<string>() })));
          changedInRun = union(changedInRun, fixed.get(i)!.changed);
        },
      });
    });
    const checkTasks = items.map((item, i): Task => {
      const acci = acc[i];
      // A check waits for every fix of the files it reads; a fixer, for the later ones.
      const writers = [...fixTasks.keys()].filter((j) => (j === i || !acci.writes || j > i) && overlaps(acc[j].writes!, acci.reads));
      const check = async (): Promise<void> => {
        if (!acc[i].writes) {
          if (opts.signal?.aborted) return finish(item, phase, interrupted);
          const touched = changedInRun !== 'all' && !changedInRun.size ? new Set<string>() : intersect(acci.reads, changedInRun);
          const changedFiles = touched === 'all' ? null : [...touched];
          if (item.action === 'cached') {
            // Its stored pass is for the content planned; a fix of this run changed some of it since.
            if (touched !== 'all' && !touched.size) return emitPlanned(item, phase);
            const again = verdict({ ...item, reason: 'ran again: a fix of this run changed its files since its reused result' }, await invoke(item, item.check.run, 'run after fixes', item.perFile && changedFiles ? changedFiles : (item.selected ?? item.files)));
            return finish(item, phase, again);
          }
          // A per-file check given only its uncertified files also looks at the certified ones a fix changed.
          const files = item.files && changedFiles ? [...new Set([...item.files, ...changedFiles])] : item.files;
          return finish(item, phase, verdict(item, await invoke(item, item.check.run, 'run', files)));
        }
        const mine = fixed.get(i)!;
        const touching = writers.filter((j) => j > i && overlaps(fixed.get(j)!.changed, acci.reads));
        const changedLater = touching.reduce<FileSet>((u, j) => union(u, fixed.get(j)!.changed), new Set());
        const o = touching.length && !opts.signal?.aborted ? await reverify(flow, item, mine.outcome, acci.reads, changedLater, touching.map((j) => items[j].id)) : mine.outcome;
        return finish(item, phase, o);
      };
      return {
        deps: writers.map((j) => fixTasks.get(j)!),
        // Whole-project checks (type checkers, tests) are usually the longest: first among the checks.
        // Then the longest recheck first, as long as its tool's fix took in this run: the shorter
        // ones fill in beside it, and the phase ends sooner.
        priority: () => (acci.readsAll ? 1e9 : 2e9) - Math.min(fixed.get(i)?.outcome.durationMs ?? 0, 1e5) * 1e3 + i,
        // Whatever goes wrong while running one check is that check's failure; the others go on.
        run: () => check().catch((err) => emit(crashed(item, phase, err))),
      };
    });
    await runTasks([...fixTasks.values(), ...checkTasks], opts.concurrency);
  }

  function crashOutcome(item: PlanItem, err: unknown): Outcome {
    const msg = (err as Error)?.message ?? String(err);
    opts.log.write(`[${item.id}] heph could not run it: ${msg}`);
    return { status: 'failed', reason: `heph could not run it: ${msg.split('\n')[0]}`, durationMs: 0, res: null };
  }

  /** Whatever goes wrong while running one check is that check's failure; the others go on. */
  function crashed(item: PlanItem, phase: string, err: unknown): CheckResult {
    const msg = (err as Error)?.message ?? String(err);
    opts.log.write(`[${item.id}] heph could not run it: ${msg}`);
    return { id: item.id, phase, name: item.check.name, fingerprint: item.fingerprint, status: 'failed', reason: `heph could not run it: ${msg.split('\n')[0]}`, durationMs: 0, exitCode: null, tail: msg };
  }

  /** Stores a result for reuse; state is a cache, so a failed write warns and the run goes on. */
  async function record(item: PlanItem, r: CheckResult): Promise<void> {
    try {
      await store(item, r);
    } catch (err) {
      opts.warn?.(`could not record the result of ${item.id}: ${(err as Error).message}`);
    }
  }

  async function store(item: PlanItem, r: CheckResult): Promise<void> {
    const fp = opts.fingerprints.get(item.id);
    if (!fp || !item.cacheable || r.status === 'not-run') return;
    const at = now();
    // A fix of this run changed what it read: the result is not the planned content's (its fingerprint's).
    const touched = changedInRun !== 'all' && !changedInRun.size ? changedInRun : intersect(access(item).reads, changedInRun);
    const moved = touched === 'all' || touched.size > 0;
    if (fp.certKeys && item.files && (r.status === 'passed' || r.status === 'fixed')) {
      // Certify each file given, under the content it passed on: after a fix, what the fix wrote.
      const given = moved && touched !== 'all' ? [...new Set([...item.files, ...touched])] : item.files;
      const keys = fp.certKeys(given, r.status === 'fixed' || moved).filter((k): k is string => k !== null);
      if (keys.length) await opts.store.putCerts(item.id, keys, at);
    }
    if (moved && r.status === 'passed') return;
    await opts.store.putResult(item.id, {
      fingerprint: fp.digest,
      components: fp.components,
      status: r.status as 'passed' | 'failed' | 'fixed',
      exitCode: r.exitCode,
      durationMs: Math.round(r.durationMs),
      at,
      ...(r.tail ? { tail: r.tail } : {}),
      ...(opts.log.path ? { log: opts.log.path } : {}),
      // Every selected file is now certified (the rest were at planning): the next plan can tell at once.
      ...(r.status === 'passed' && fp.selection ? { files: fp.selection } : {}),
    });
    // The snapshot base holds these inputs: the next run names what changed from it, no manifest needed.
    await opts.store.putManifest(item.id, fp.inBase ? MANIFEST_IN_BASE : fp.manifest());
  }

  for (const phase of plan.phases) {
    if (failedPhase || opts.signal?.aborted) {
      for (const item of phase.items) {
        const reason = failedPhase ? `phase ${failedPhase} failed` : 'interrupted';
        emit({ id: item.id, phase: phase.name, name: item.check.name, status: 'not-run', reason, durationMs: 0, exitCode: null, fingerprint: item.fingerprint });
      }
      continue;
    }
    opts.log.write(`phase ${phase.name}`);
    const running = phase.items.filter((i) => i.action === 'run');
    // A reused pass stands only while no fix of the run (earlier, or in this phase) changes what it read.
    const fixWrites = running.map(access).reduce<FileSet>((u, a) => (a.writes ? union(u, a.writes) : u), changedInRun);
    const noFix = fixWrites !== 'all' && fixWrites.size === 0;
    const recheck = new Set(noFix ? [] : phase.items.filter((i) => i.action === 'cached' && overlaps(fixWrites, access(i).reads)));
    const toRun = phase.items.filter((i) => i.action === 'run' || recheck.has(i));
    for (const item of phase.items) if (item.action !== 'run' && !recheck.has(item)) await emitPlanned(item, phase.name);
    await runPhase(toRun, phase.name);
    const phaseResults = results.filter((r) => r.phase === phase.name);
    if (phaseResults.some((r) => r.status === 'failed')) failedPhase = phase.name;
  }

  // Report in plan order, whatever order the checks finished in.
  const order = plan.phases.flatMap((p) => p.items.map((i) => i.id));
  results.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return {
    version: 1,
    ok: results.every((r) => r.status !== 'failed') && !opts.signal?.aborted,
    mode: plan.mode,
    event: plan.event,
    durationMs: Math.round(monotonicMs() - started),
    checks: results,
    log: opts.log.path,
  };
}
