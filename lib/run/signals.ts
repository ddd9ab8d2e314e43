/**
 * Ctrl-C and SIGTERM (and SIGHUP, a closed terminal, taken as SIGTERM) during a run. The first signal aborts every active
 * `interruptible` (running checks' process trees get SIGTERM, then SIGKILL
 * after a grace period; what finished is kept) and the work unwinds through
 * its `finally` blocks: unstaged work restored, lock released, exit 130/143.
 * A second signal forces the exit at once, but first kills every tracked
 * check tree and runs the registered cleanups (restoring a user's unstaged
 * work, releasing the lock), newest first, like unwinding `finally` blocks.
 */
import { EXIT } from '../errors.js';

export type Interrupt = 'SIGINT' | 'SIGTERM' | undefined;

// On globalThis: each bundle (CLI, lazily loaded parts) carries its own copy of this module.
interface SignalState {
  cleanups: Set<() => void>;
  children: Set<number>;
  active: Set<AbortController>;
  received: Interrupt;
  exitHook: boolean;
}
const KEY = Symbol.for('heph.signals');
const g = globalThis as { [KEY]?: SignalState };
const st = (g[KEY] ??= { cleanups: new Set(), children: new Set(), active: new Set(), received: undefined, exitHook: false });
const { cleanups, children, active } = st;

/** Registers a synchronous cleanup that must run even on a forced exit; returns its remover. */
export function addCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs and forgets every registered cleanup (each at most once), newest first. */
export function runCleanups(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      /* keep going: every cleanup gets its chance */
    }
  }
}

/** Records a check's process group, so a forced exit can kill it; returns its remover. */
export function trackChild(pid: number | undefined): () => void {
  if (!pid) return () => {};
  children.add(pid);
  return () => children.delete(pid);
}

function killChildren(): void {
  for (const pid of children) {
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
}

/** The forced exit: no more waiting for anything, but nothing of the user's is left behind. */
function forceExit(sig: 'SIGINT' | 'SIGTERM'): never {
  killChildren();
  runCleanups();
  process.stderr.write(`heph: ${sig === 'SIGINT' ? 'second Ctrl-C' : 'second signal'}: stopped at once\n`);
  process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
}

function onSignal(sig: 'SIGINT' | 'SIGTERM'): void {
  if (st.received) forceExit(sig);
  st.received = sig;
  for (const ac of active) ac.abort(sig);
}
const onInt = () => onSignal('SIGINT');
const onTerm = () => onSignal('SIGTERM');
// A closed terminal (SIGHUP) would otherwise end heph with the user's work still put aside.
const onHup = onTerm;

// A process leaving through process.exit (or an uncaught error) still restores the user's work.
if (!st.exitHook) {
  st.exitHook = true;
  process.on('exit', () => {
    killChildren();
    runCleanups();
  });
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into an abort of `signal`. Nested
 * calls share one handler; a signal received before the call aborts it at once.
 */
export async function interruptible<T>(work: (signal: AbortSignal, interrupted: () => Interrupt) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  if (st.received) ac.abort(st.received);
  if (!active.size) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
  }
  active.add(ac);
  try {
    return await work(ac.signal, () => st.received);
  } finally {
    active.delete(ac);
    if (!active.size) {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
    }
  }
}
