/**
 * Starts reading the repository snapshot as the very first thing a run does,
 * so git works while the rest of heph loads (module loading and the git calls
 * each take a few milliseconds; overlapped, a cached run costs the larger of
 * the two, not the sum).
 */
import { findRepoSync } from '../git/repo.js';
import { readSnapshot, type Snapshot, type SnapshotSource } from '../git/snapshot.js';

// On globalThis: the entry point and the CLI bundle each carry their own copy of this module.
const KEY = Symbol.for('heph.earlySnapshots');
const g = globalThis as { [KEY]?: Map<string, Promise<Snapshot>> };
const started = (g[KEY] ??= new Map<string, Promise<Snapshot>>());

/** Starts the snapshot (with the staged file list, for commit hooks) before the CLI loads. */
export function startEarlySnapshot(source: SnapshotSource, staged = false): void {
  const repo = findRepoSync();
  if (!repo) return;
  const p = readSnapshot({ root: repo.root, source, staged });
  p.catch(() => {}); // a failure surfaces when the snapshot is taken
  started.set(`${repo.root}\0${source}`, p);
}

/** The early snapshot for this root and source, once; undefined if none was started. */
export function takeEarlySnapshot(root: string, source: SnapshotSource): Promise<Snapshot> | undefined {
  const key = `${root}\0${source}`;
  const p = started.get(key);
  started.delete(key);
  return p;
}

/** An early snapshot for this root (either source), left in place for its taker; undefined if none. */
export function peekEarlySnapshot(root: string): Promise<Snapshot> | undefined {
  return started.get(`${root}\0index`) ?? started.get(`${root}\0worktree`);
}
