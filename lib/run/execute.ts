/**
 * Executes a sealed Plan: phases in order, the checks of a phase concurrently,
 * fixes one at a time (two fixers never write the same files at once), and
 * each finished check's result stored as soon as it is known, so an
 * interrupted run keeps what it finished.
 */
import { join } from 'node:path';
import type { Plan, PlanItem } from '../plan/types.js';
import type { StateStore } from '../state/types.js';
import type { Fingerprint } from '../state/fingerprint.js';
import { cappedOutput, type RunLog } from '../state/logs.js';
import type { CheckResult, RunReport } from './types.js';
import { argPaths, buildInvocations } from './words.js';
import type { ProcessResult } from './process.js';
import type { ConfirmFix } from './confirm.js';
import { now as clock } from '../clock.js';
import { failureTail } from '../report/tail.js';

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

/** A one-slot queue: fixes run one after another. */
function serial() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = last.then(fn, fn);
    last = next.catch(() => {});
    return next;
  };
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (i < items.length) await fn(items[i++]);
  });
  await Promise.all(workers);
}

export async function execute(plan: Plan, opts: ExecuteOptions): Promise<RunReport> {
  const started = performance.now();
  const now = opts.now ?? clock;
  const results: CheckResult[] = [];
  const fixQueue = serial();
  let failedPhase: string | null = null;

  const emit = (r: CheckResult) => {
    results.push(r);
    opts.onResult?.(r);
  };

  async function invoke(item: PlanItem, cmd: string, label: string): Promise<ProcessResult & { ok: boolean }> {
    // Built-in checks (`heph:<name>`) run in-process; their module loads only when one runs.
    if (/^\s*heph:/.test(cmd)) return (await import('../builtins/index.js')).runBuiltin(cmd, item.files ?? [], opts.root, (s) => opts.log.write(`[${item.id}] ${label}: ${s}`));
    const check = item.check;
    const cwd = join(opts.root, check.cwd);
    // Loaded only when something runs: the process library is the heaviest module.
    const { checkEnv, runProcess } = await import('./process.js');
    const env = checkEnv(opts.env, opts.msgfile ? { HEPH_MSGFILE: opts.msgfile } : {});
    const invocations = buildInvocations(cmd, check.shell, { files: item.files && argPaths(item.files, check.cwd), msgfile: opts.msgfile });
    let output = '';
    let last: ProcessResult | null = null;
    let ok = true;
    let durationMs = 0;
    for (const argv of invocations) {
      opts.log.write(`[${item.id}] ${label}: ${JSON.stringify(argv.length > 12 ? [...argv.slice(0, 12), `…(${argv.length - 12} more)`] : argv)}`);
      const sink = cappedOutput(opts.log, `[${item.id}] `);
      const res = await runProcess(argv, {
        cwd,
        env,
        timeoutMs: check.timeoutMs,
        signal: opts.signal,
        onOutput: sink.write,
      }).finally(sink.end);
      output += res.output;
      durationMs += res.durationMs;
      last = res;
      if (res.exitCode !== 0) ok = false;
      if (res.interrupted || res.timedOut || res.spawnError) break;
    }
    opts.log.write(`[${item.id}] ${label} ${ok ? 'passed' : 'failed'} (exit ${last?.exitCode ?? last?.signal}, ${Math.round(durationMs)} ms)`);
    return { ...last!, output, durationMs, ok };
  }

  async function runItem(item: PlanItem, phase: string): Promise<CheckResult> {
    const base = { id: item.id, phase, name: item.check.name, fingerprint: item.fingerprint };
    if (opts.signal?.aborted) return { ...base, status: 'not-run', reason: 'interrupted', durationMs: 0, exitCode: null };
    let res = await invoke(item, item.check.run, 'run');
    let status: CheckResult['status'] = res.ok ? 'passed' : 'failed';
    let reason = item.reason;
    let duration = res.durationMs;
    if (!res.ok && !res.interrupted && opts.autoFix && item.check.fix) {
      // Asking, the rollback point and the fix itself happen one check at a time.
      const fixRes = await fixQueue(async () => {
        if (opts.signal?.aborted) return 'interrupted';
        const decision = opts.confirmFix ? await opts.confirmFix(item) : ({ apply: true } as const);
        if (!decision.apply) return decision.reason;
        await opts.beforeFix?.(item);
        return invoke(item, item.check.fix!, 'fix');
      });
      if (typeof fixRes === 'string') reason = fixRes;
      else {
        duration += fixRes.durationMs;
        if (!fixRes.interrupted) {
          res = await invoke(item, item.check.run, 'recheck');
          duration += res.durationMs;
          status = res.ok ? 'fixed' : 'failed';
          reason = res.ok ? 'fix applied, recheck passed' : fixRes.ok ? 'still failing after fix' : 'fix failed';
        } else res = fixRes;
      }
    }
    if (res.interrupted) return { ...base, status: 'not-run', reason: 'interrupted', durationMs: duration, exitCode: res.exitCode };
    if (res.timedOut) reason = `timed out after ${item.check.timeoutMs} ms`;
    else if (res.spawnError) reason = `could not start ${res.spawnError}`;
    const result: CheckResult = { ...base, status, reason, durationMs: duration, exitCode: res.exitCode, ...(status === 'failed' ? { tail: failureTail(res.output) } : {}), ...(status === 'fixed' ? { fixed: true } : {}) };
    await record(item, result);
    return result;
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
    if (fp.certKeys && item.files && (r.status === 'passed' || r.status === 'fixed')) {
      // Certify each file given, under the content it passed on: after a fix, what the fix wrote.
      const keys = fp.certKeys(item.files, r.status === 'fixed').filter((k): k is string => k !== null);
      if (keys.length) await opts.store.putCerts(item.id, keys, at);
    }
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
    await opts.store.putManifest(item.id, fp.manifest());
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
    const toRun = phase.items.filter((i) => i.action === 'run');
    for (const item of phase.items) {
      if (item.action === 'run') continue;
      opts.log.write(`[${item.id}] ${item.action}: ${item.reason}`);
      const refresh = item.action === 'cached' ? opts.fingerprints.get(item.id)?.refresh : undefined;
      if (refresh) await opts.store.putResult(item.id, refresh).catch(() => {}); // only a shortcut for the next plan
      emit({ id: item.id, phase: phase.name, name: item.check.name, status: item.action, reason: item.reason, durationMs: 0, exitCode: null, fingerprint: item.fingerprint, ...(item.savedMs ? { savedMs: item.savedMs } : {}), ...(item.source ? { source: item.source } : {}) });
    }
    await pool(toRun, opts.concurrency, async (item) => emit(await runItem(item, phase.name).catch((err) => crashed(item, phase.name, err))));
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
    durationMs: Math.round(performance.now() - started),
    checks: results,
    log: opts.log.path,
  };
}
