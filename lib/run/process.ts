/**
 * Runs one check command. Each command gets its own process group, so a
 * timeout or Ctrl-C stops the whole tree it started (a test runner's workers, a
 * shell's children), first politely, then with SIGKILL.
 */
import { execa } from 'execa';
import { trackChild } from './signals.js';

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the tree after this long; counts as a failure. */
  timeoutMs?: number | null;
  /** Aborting kills the tree (Ctrl-C). */
  signal?: AbortSignal;
  /** Each chunk of combined stdout/stderr, as it arrives. */
  onOutput?: (text: string) => void;
  /** Time between SIGTERM and SIGKILL. @default 2000 */
  graceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  /** Set when the process was killed by a signal. */
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  /** Could not be started (not found, not executable). */
  spawnError: string | null;
  output: string;
  durationMs: number;
}

/** Sends `sig` to the process group, falling back to the process itself. */
export function killTree(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** Git's hook variables would point a check's own git calls at the wrong index or dir. */
const GIT_HOOK_VARS = ['GIT_INDEX_FILE', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_PREFIX', 'GIT_EXEC_PATH', 'GIT_REFLOG_ACTION', 'GIT_EDITOR', 'GIT_AUTHOR_DATE'];

export function checkEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...base, ...extra };
  for (const k of GIT_HOOK_VARS) delete env[k];
  return env;
}

const MAX_KEPT = 1024 * 1024;

export async function runProcess(argv: string[], opts: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  let output = '';
  const append = (s: string) => {
    output = output.length > MAX_KEPT ? output.slice(-MAX_KEPT / 2) + s : output + s;
    opts.onOutput?.(s);
  };
  const child = execa(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  // A forced exit (second Ctrl-C) kills this tree even though we never get to the await below.
  const untrack = trackChild(process.platform === 'win32' ? undefined : child.pid);
  let timedOut = false;
  let interrupted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    killTree(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killTree(child.pid, 'SIGKILL'), opts.graceMs ?? 2000);
    killTimer.unref?.();
  };
  const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), opts.timeoutMs) : undefined;
  const onAbort = () => ((interrupted = true), stop());
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  const res = await child;
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  // The leader exited; make sure nothing it started lingers after a kill.
  if (timedOut || interrupted) killTree(child.pid, 'SIGKILL');
  untrack();
  clearTimeout(killTimer);
  const spawnError = res.failed && res.exitCode === undefined && !res.signal && res.cause ? String((res.cause as Error).message ?? res.cause) : null;
  if (spawnError) append(`heph: could not start ${argv[0]}: ${/ENOENT/.test(spawnError) ? 'command not found' : spawnError}\n`);
  if (timedOut) append(`heph: timed out after ${opts.timeoutMs} ms; stopped the command and its children\n`);
  return {
    exitCode: res.exitCode ?? null,
    signal: res.signal ?? null,
    timedOut,
    interrupted,
    spawnError,
    output,
    durationMs: performance.now() - started,
  };
}
