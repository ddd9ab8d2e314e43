/**
 * One run at a time per repository: `<heph dir>/run.lock`, a file holding the
 * holder's {pid, host, started, token}.
 *
 * Why not the `lockfile` package: it judges staleness by the file's age, so a
 * run longer than `stale` loses its lock to a second run, and a lock left by a
 * kill -9 blocks everyone until it ages out. A lock that names its holder can
 * be judged exactly: same host and `kill(pid, 0)` fails → the holder is dead.
 *
 * - Acquire: the record is written to a private file, then hard-linked to
 *   `run.lock`. link(2) fails with EEXIST if the lock exists, and the lock is
 *   never visible half-written (a plain O_EXCL create would be empty for a
 *   moment). Filesystems without hard links fall back to O_EXCL.
 * - Takeover of a dead holder's lock (token T) is serialized by a marker
 *   `run.lock.takeover-T` created with O_EXCL: only the process that creates
 *   it may delete `run.lock`, and only after reading T from it again. A second
 *   process that judged the same lock stale either fails to create the marker
 *   or, once it is gone, finds a different token and backs off. So a lock that
 *   a takeover just created is never deleted by a slower one.
 */
import { closeSync, linkSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface LockInfo {
  pid: number;
  host: string;
  /** Epoch ms when the lock was taken. */
  started: number;
  /** Unique per acquisition; release and takeover check it. */
  token: string;
  /** What holds it (`run`, `hook pre-commit`, ...). */
  command?: string;
}

/** `reused`: the pid runs, but a process started after the lock was taken: not its holder. */
export type HolderState = 'alive' | 'dead' | 'reused' | 'unknown';

export const lockPath = (dir: string): string => join(dir, 'run.lock');

/** The lock's record; null if absent; 'unreadable' if it cannot be parsed. */
export function readLock(path: string): LockInfo | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
  try {
    const v = JSON.parse(text) as LockInfo;
    if (Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.token === 'string') return v;
  } catch {
    /* fall through */
  }
  return 'unreadable';
}

/** Whether the holder still runs. Another host's holder cannot be judged: 'unknown'. */
export function holderState(info: LockInfo, host = hostname()): HolderState {
  if (info.host !== host) return 'unknown';
  // Taken before this machine booted: its holder died with the machine.
  if (info.started < Date.now() - uptime() * 1000 - 5000) return 'dead';
  if (info.pid === process.pid) return 'alive';
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  // The pid was handed to another process after the holder died (a reboot-free pid wrap, a container).
  const began = processStart(info.pid);
  return began !== null && began > info.started + START_SLACK_MS ? 'reused' : 'alive';
}

/** Clock ticks and btime are coarse: a process is only judged younger than its lock by more than this. */
const START_SLACK_MS = 3000;

let ticksChecked: boolean | undefined;

function startFromProc(pid: number | 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && btime ? btime * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}

/**
 * When a process started (epoch ms), read from /proc on Linux; null where that
 * cannot be known. The tick rate is assumed to be 100 Hz (Linux's USER_HZ) and
 * checked once against this process's own start.
 */
export function processStart(pid: number): number | null {
  ticksChecked ??= Math.abs((startFromProc('self') ?? -Infinity) - (Date.now() - process.uptime() * 1000)) < START_SLACK_MS;
  return ticksChecked ? startFromProc(pid) : null;
}

/** The program a pid runs now (for messages), where the system says. */
export function programOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Removes a file that may be gone already. Not rmSync: it loads its recursive remover (~0.5 ms) for one file. */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Creates the lock atomically; false if it already exists. */
export function tryCreate(path: string, info: LockInfo): boolean {
  const body = JSON.stringify(info) + '\n';
  const tmp = `${path}.${info.pid}-${info.token}.tmp`;
  writeFileSync(tmp, body);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    return createExclusive(path, body);
  } finally {
    removeFile(tmp);
  }
}

function createExclusive(path: string, body: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A takeover marker older than this was left by a process killed mid-takeover (which takes microseconds). */
const ABANDONED_MARKER_MS = 10_000;

/**
 * Deletes the lock if it still holds `staleToken`. Returns true when this
 * process removed it; false if another process got there first or the lock changed.
 */
export function breakStale(path: string, staleToken: string): boolean {
  const marker = `${path}.takeover-${staleToken}`;
  let fd: number;
  try {
    fd = openSync(marker, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(marker).mtimeMs > ABANDONED_MARKER_MS) unlinkSync(marker);
    } catch {
      /* gone already */
    }
    return false;
  }
  closeSync(fd);
  try {
    const now = readLock(path);
    const same = now === 'unreadable' ? staleToken === 'unreadable' : now?.token === staleToken;
    if (!same) return false;
    unlinkSync(path);
    return true;
  } finally {
    removeFile(marker);
  }
}

/** Deletes the lock only if it is still ours. */
export function releaseLock(path: string, token: string): void {
  const now = readLock(path);
  if (now && now !== 'unreadable' && now.token === token) removeFile(path);
  sweep(path);
}

/** Removes temp files of dead acquirers and abandoned takeover markers. */
function sweep(path: string): void {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(base + '.'));
  } catch {
    return;
  }
  for (const n of names) {
    try {
      if (Date.now() - statSync(join(dir, n)).mtimeMs > ABANDONED_MARKER_MS) removeFile(join(dir, n));
    } catch {
      /* raced with its owner */
    }
  }
}

export function newLockInfo(command?: string): LockInfo {
  return { pid: process.pid, host: hostname(), started: Date.now(), token: randomBytes(8).toString('hex'), ...(command ? { command } : {}) };
}
