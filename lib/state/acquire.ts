/**
 * Waiting for the run lock: take it at once if free, take it over at once if
 * its holder is dead, otherwise poll until `timeoutMs` and give up with a
 * lock error (exit 3). Says "waiting" once, not on every poll.
 */
import { mkdirSync, statSync } from 'node:fs';
import { HephError } from '../errors.js';
import { breakStale, holderState, lockPath, newLockInfo, readLock, releaseLock, tryCreate, type LockInfo } from './lock.js';

export interface AcquireOptions {
  dir: string;
  timeoutMs: number;
  /** Recorded in the lock (`run`, `hook pre-commit`). */
  command?: string;
  /** Called once, when the lock is busy and we start waiting. */
  onWait?: (holder: LockInfo) => void;
  /** Called when a dead holder's lock was taken over. */
  onTakeover?: (holder: LockInfo | null) => void;
  /** Aborting stops the wait (Ctrl-C while waiting). */
  signal?: AbortSignal;
  /** @default 100 */
  pollMs?: number;
}

export interface HeldLock {
  path: string;
  info: LockInfo;
  /** Set when heph's folder cannot be written: the run goes on without a lock (state must never stop a commit). */
  unusable?: string;
  /** True if another run held the lock first: anything read before may be stale. */
  waited: boolean;
  release(): void;
}

/** A lock file that cannot be parsed is only judged stale once it is this old (a fallback O_EXCL create may be mid-write). */
const UNREADABLE_GRACE_MS = 2000;

/** A folder that cannot be written at all (read-only, no permission, not a directory, full). */
export function folderUnusable(e: unknown): boolean {
  return ['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'ENOSPC', 'EDQUOT'].includes(String((e as NodeJS.ErrnoException)?.code));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function describe(h: LockInfo): string {
  const secs = Math.round((Date.now() - h.started) / 1000);
  return `pid ${h.pid}${h.command ? ` (heph ${h.command})` : ''}, started ${secs}s ago`;
}

export async function acquireLock(opts: AcquireOptions): Promise<HeldLock> {
  const path = lockPath(opts.dir);
  const info = newLockInfo(opts.command);
  const deadline = Date.now() + opts.timeoutMs;
  let waited = false;
  const without = (e: unknown): HeldLock => ({ path, info, waited, unusable: (e as Error).message, release: () => {} });
  try {
    mkdirSync(opts.dir, { recursive: true });
  } catch (e) {
    if (folderUnusable(e)) return without(e);
    throw new HephError('lock', `cannot create heph's folder ${opts.dir}: ${(e as Error).message}`, 'check its permissions, or set HEPH_HOME');
  }
  for (;;) {
    if (opts.signal?.aborted) throw new HephError(opts.signal.reason === 'SIGTERM' ? 'sigterm' : 'sigint', 'interrupted while waiting for the run lock');
    let created: boolean;
    try {
      created = tryCreate(path, info);
    } catch (e) {
      if (folderUnusable(e)) return without(e);
      throw new HephError('lock', `cannot create the run lock ${path}: ${(e as Error).message}`, 'check the permissions of that folder, or set HEPH_HOME');
    }
    if (created) return { path, info, waited, release: () => releaseLock(path, info.token) };
    const holder = readLock(path);
    if (holder === null) continue; // released between our attempt and the read
    if (holder === 'unreadable') {
      if (ageMs(path) > UNREADABLE_GRACE_MS && breakStale(path, 'unreadable')) opts.onTakeover?.(null);
    } else if (['dead', 'reused'].includes(holderState(holder))) {
      if (breakStale(path, holder.token)) opts.onTakeover?.(holder);
      continue;
    } else {
      if (!waited) opts.onWait?.(holder);
      waited = true;
      if (Date.now() >= deadline) {
        const where = holder.host === info.host ? '' : ` on host ${holder.host} (heph cannot tell from here whether it still runs)`;
        throw new HephError(
          'lock',
          `another heph run holds the lock: ${describe(holder)}${where}; gave up after ${Math.round(opts.timeoutMs / 1000)}s`,
          `wait for it to finish and try again, or raise settings.lockTimeout; if no heph is running, delete ${path}`,
        );
      }
    }
    await sleep(Math.max(1, Math.min(opts.pollMs ?? 100, deadline - Date.now())));
  }
}
