/**
 * The disk guard: a run on a nearly full disk fails in confusing ways (a
 * check's temp files, git's index, SQLite's journal), so heph refuses to start
 * one below `settings.minFreeDiskMB` and names the filesystem.
 */
// statfs from node:fs, not node:fs/promises: loading the promises API costs ~1.4 ms of every run.
import { readFileSync, realpathSync, statfs, type StatsFs } from 'node:fs';
import { HephError } from '../errors.js';

export interface DiskSpace {
  /** Bytes available to an unprivileged user. */
  freeBytes: number;
  /** The mount point holding `path` (Linux), else `path` itself. */
  mount: string;
}

/** `/proc/self/mountinfo` escapes spaces and friends as octal. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The longest mount point that contains `path`, or null where the system does not say. */
export function mountPointOf(path: string): string | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    /* keep as given */
  }
  let best: string | null = null;
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const m = unescape(mp);
    const inside = m === '/' || real === m || real.startsWith(m.endsWith('/') ? m : m + '/');
    if (inside && (!best || m.length > best.length)) best = m;
  }
  return best;
}

const freeBytes = (path: string): Promise<number> =>
  new Promise((resolve, reject) => statfs(path, (err, s: StatsFs) => (err ? reject(err) : resolve(Number(s.bavail) * Number(s.bsize)))));

export async function diskSpace(path: string): Promise<DiskSpace> {
  return { freeBytes: await freeBytes(path), mount: mountPointOf(path) ?? path };
}

export function formatBytes(n: number): string {
  const mb = n / (1024 * 1024);
  return mb >= 10 * 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.floor(mb)} MB`;
}

const early = new Map<string, Promise<number>>();

/**
 * Starts reading how much room `path`'s filesystem has, while git is still
 * being read: the next `checkDisk` of `path` uses that reading (taken
 * milliseconds before it) instead of waiting for one of its own.
 */
export function startDiskCheck(path: string): void {
  if (early.has(path)) return;
  const reading = freeBytes(path);
  reading.catch(() => {}); // checkDisk decides what a failure means
  early.set(path, reading);
}

/** Throws a disk error (exit 4) when `path`'s filesystem has less than `minMB` free. */
export async function checkDisk(path: string, minMB: number): Promise<void> {
  const reading = early.get(path);
  early.delete(path);
  if (minMB <= 0) return;
  let free: number;
  try {
    free = await (reading ?? freeBytes(path));
  } catch {
    return; // a filesystem that cannot say how full it is is not a reason to block a commit
  }
  if (free >= minMB * 1024 * 1024) return;
  // The mount table is read only for the message: a run with room to spare never reads it.
  const mount = mountPointOf(path) ?? path;
  throw new HephError(
    'disk',
    `not enough free disk: ${formatBytes(free)} free on ${mount} (for ${path}), heph needs ${minMB} MB (settings.minFreeDiskMB)`,
    `free some space on ${mount}, or lower settings.minFreeDiskMB in .heph.json`,
  );
}
