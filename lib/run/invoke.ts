/**
 * Runs one command of a check (its `run`, its `fix`, a recheck): built-ins in
 * process, anything else as processes with the check's cwd, env and timeout,
 * the output kept in the run log. `HEPH_DEBUG=run` marks each start and end.
 */
import { join } from 'node:path';
import type { PlanItem } from '../plan/types.js';
import { cappedOutput, type RunLog } from '../state/logs.js';
import { argPaths, buildInvocations } from './words.js';
import type { ProcessResult } from './process.js';
import type { Ran } from './fixflow.js';
import { debug } from '../debug.js';

const trace = debug('run');

export interface InvokeOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  msgfile?: string | null;
  signal?: AbortSignal;
  log: RunLog;
}

export async function invokeCheck(opts: InvokeOptions, item: PlanItem, cmd: string, label: string, files: string[] | null): Promise<Ran> {
  // Built-in checks (`heph:<name>`) run in-process; their module loads only when one runs.
  if (/^\s*heph:/.test(cmd)) return (await import('../builtins/index.js')).runBuiltin(cmd, files ?? [], opts.root, (s) => opts.log.write(`[${item.id}] ${label}: ${s}`));
  const check = item.check;
  const cwd = join(opts.root, check.cwd);
  // Loaded only when something runs: the process library is the heaviest module.
  const { checkEnv, runProcess } = await import('./process.js');
  const env = checkEnv(opts.env, opts.msgfile ? { HEPH_MSGFILE: opts.msgfile } : {});
  const invocations = buildInvocations(cmd, check.shell, { files: files && argPaths(files, check.cwd), msgfile: opts.msgfile });
  let output = '';
  let last: ProcessResult | null = null;
  let ok = true;
  let durationMs = 0;
  for (const argv of invocations) {
    opts.log.write(`[${item.id}] ${label}: ${JSON.stringify(argv.length > 12 ? [...argv.slice(0, 12), `…(${argv.length - 12} more)`] : argv)}`);
    const sink = cappedOutput(opts.log, `[${item.id}] `);
    trace(`start ${item.id} ${label} (${argv.length} args)`);
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
  trace(`end   ${item.id} ${label} ${ok ? 'passed' : 'failed'} ${Math.round(durationMs)} ms`);
  return { ...last!, output, durationMs, ok };
}
