/**
 * Runs one check command. Each command gets its own process group, so a
 * timeout or Ctrl-C stops the whole tree it started (a test runner's workers, a
 * shell's children), first politely, then with SIGKILL.
 */
import { monotonicMs } from '../clock.js';
import { spawn } from 'node:child_process';
import { trackChild } from './signals.js';
import { byteLauncher, hasRawBytes } from './launcher.js';

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

/** After the command exits, how long its pipes may stay quiet but open before heph stops reading them. */
const PIPE_DRAIN_MS = 200;
/** ...and how long heph reads at most after the exit, however much still arrives. */
const PIPE_DRAIN_MAX_MS = 5000;

interface Started {
  pid: number | undefined;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  done: Promise<{ exitCode: number | null; signal: string | null; spawnError: string | null }>;
}

/**
 * Starts a command without a shell, in its own process group. On POSIX this is
 * node's spawn; on Windows, execa (through cross-spawn) resolves `.cmd` shims
 * and PATHEXT. execa is loaded only there: it costs ~18 ms to load, on every
 * hook run that runs a check.
 */
async function start(argv: string[], opts: ProcessOptions): Promise<Started> {
  if (process.platform === 'win32') return (await import('./spawn-win.js')).startWindows(argv, opts.cwd, opts.env);
  // Node passes argv as UTF-8: a name that is not UTF-8 goes through a launcher that rebuilds its bytes.
  if (argv.some(hasRawBytes)) argv = byteLauncher(argv);
  let child;
  try {
    child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (e) {
    // Most start failures (ENOENT, EACCES) arrive as an 'error' event; others (ETXTBSY: the
    // file is being written) are thrown. Either way it is this check's failure, not heph's.
    return { pid: undefined, stdout: null, stderr: null, done: Promise.resolve({ exitCode: null, signal: null, spawnError: (e as Error).message }) };
  }
  const done = new Promise<{ exitCode: number | null; signal: string | null; spawnError: string | null }>((resolve) => {
    let spawnError: string | null = null;
    let drain: NodeJS.Timeout | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(drain);
      resolve({ exitCode: spawnError ? null : code, signal: signal ?? null, spawnError });
    };
    child.on('error', (e) => (spawnError = e.message));
    child.on('close', finish);
    // 'close' waits for the pipes, which a grandchild that left the process group (setsid) may
    // hold open for ever. Once the command itself has exited, read what is already in the pipes,
    // then stop listening: the check's outcome is its command's.
    child.on('exit', (code, signal) => {
      const exited = monotonicMs();
      const stopReading = () => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      };
      const idle = () => {
        clearTimeout(drain);
        drain = monotonicMs() - exited > PIPE_DRAIN_MAX_MS ? setTimeout(stopReading, 0) : setTimeout(stopReading, PIPE_DRAIN_MS);
      };
      idle();
      // Output still arriving is read, up to a bound: a stray writer cannot hold heph for ever.
      child.stdout?.on('data', idle);
      child.stderr?.on('data', idle);
    });
  });
  return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, done };
}

export async function runProcess(argv: string[], opts: ProcessOptions): Promise<ProcessResult> {
  const started = monotonicMs();
  let output = '';
  const append = (s: string) => {
    output = output.length > MAX_KEPT ? output.slice(-MAX_KEPT / 2) + s : output + s;
    opts.onOutput?.(s);
  };
  const child = await start(argv, opts);
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
  const res = await child.done;
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  // The leader exited; make sure nothing it started lingers after a kill.
  if (timedOut || interrupted) killTree(child.pid, 'SIGKILL');
  untrack();
  clearTimeout(killTimer);
  // "uv: not found on PATH" rather than node's "spawn uv ENOENT".
  const spawnError = res.spawnError && `${argv[0]}: ${/ENOENT/.test(res.spawnError) ? (argv[0].includes('/') ? 'no such file' : 'not found on PATH') : res.spawnError}`;
  if (spawnError) append(`heph: could not start ${spawnError}\n`);
  if (timedOut) append(`heph: timed out after ${opts.timeoutMs} ms; stopped the command and its children\n`);
  return {
    exitCode: res.exitCode,
    signal: res.signal,
    timedOut,
    interrupted,
    spawnError,
    output,
    durationMs: monotonicMs() - started,
  };
}
