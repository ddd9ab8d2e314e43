/** The state store behind a guard: a failing store degrades to an empty one, never an error. */
import type { RunRecord, StateStore, StoredResult } from './types.js';
import { isCorruption, moveAside, why } from './recover.js';

/**
 * Every operation of `inner`, but an error is reported once and turns the
 * store into an empty one for the rest of the run; a damaged file is moved
 * aside on close so the next run starts fresh.
 */
export function guarded(inner: StateStore, file: string, warn?: (msg: string) => void): StateStore {
  let failed: unknown = null;
  const fail = (err: unknown) => {
    if (!failed) warn?.(`state store ${file} failed (${why(err)}); this run goes on without stored results`);
    failed ??= err;
  };
  const op =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>, fallback: R) =>
    async (...a: A): Promise<R> => {
      if (failed) return fallback;
      try {
        return await fn(...a);
      } catch (err) {
        fail(err);
        return fallback;
      }
    };
  return {
    getResults: op((ids: string[]) => inner.getResults(ids), new Map()),
    putResult: op((id: string, r: StoredResult) => inner.putResult(id, r), undefined),
    getManifest: op((id: string) => inner.getManifest(id), null),
    putManifest: op((id: string, m: string) => inner.putManifest(id, m), undefined),
    getCerts: op((keys: string[]) => inner.getCerts(keys), new Map()),
    putCerts: op((check: string, keys: string[], at: number) => inner.putCerts(check, keys, at), undefined),
    ids: op(() => inner.ids(), []),
    clear: op((ids?: string[]) => inner.clear(ids), 0),
    addRun: op((run: RunRecord) => inner.addRun(run), undefined),
    runs: op(() => inner.runs(), []),
    async close() {
      await inner.close();
      if (!failed || !isCorruption(failed)) return;
      try {
        warn?.(`moved the damaged state store to ${moveAside(file)}; the next run starts a fresh one`);
      } catch {
        /* the next open will try again */
      }
    },
  };
}
