/**
 * Ctrl-C and SIGTERM during a run: the first signal aborts the run (running
 * checks' process trees are stopped, what finished is kept); the caller's
 * cleanup still runs because the work unwinds through its `finally` blocks.
 * Cleanups registered with `addCleanup` (restoring a user's unstaged work)
 * also run if the process is forced to exit.
 */
export type Interrupt = 'SIGINT' | 'SIGTERM' | undefined;

const cleanups = new Set<() => void>();

/** Registers a synchronous cleanup that must run even on a forced exit; returns its remover. */
export function addCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs and forgets every registered cleanup (each at most once). */
export function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      /* keep going: every cleanup gets its chance */
    }
  }
}

export async function interruptible<T>(work: (signal: AbortSignal, interrupted: () => Interrupt) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let got: Interrupt;
  const on = (sig: 'SIGINT' | 'SIGTERM') => () => {
    got ??= sig;
    ac.abort();
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    return await work(ac.signal, () => got);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
