/**
 * What a run read from outside the index file, as it read it, for the replay
 * record (replay/write.ts): the output of each git listing whose answer the
 * plan used, and the identity of each file read from disk. Taken at the
 * moment of reading, never afterwards: a file changed between the plan and
 * the record must not be recorded with the verdict of its older content.
 *
 * Kept on globalThis: the entry point (which starts git early) and the CLI
 * bundle each carry their own copy of this module.
 */
import { existsSync, lstatSync, readFileSync, realpathSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { commonDirOf } from '../git/repo-disk.js';

/**
 * What was seen of a path: `id` to compare, and for an identity, its newest timestamp (`newest`, the
 * filesystem's clock) and when it was taken (`at`, this process's clock, ns): a change within the
 * timestamp's granularity of the last one, after the identity was taken, could keep it (replay/write.ts).
 */
export interface Seen {
  id: string;
  newest: bigint;
  at: bigint;
}

export interface Observed {
  /** git's argument list (joined by NUL) → its stdout as latin1, or null when two reads disagreed. */
  git: Map<string, string | null>;
  /**
   * What was looked at → what was seen, or null when it cannot vouch for what was read (a directory's
   * content, two readings that differ). Keys are a kind and the path's bytes in hex: `f:` a file's
   * identity, `r:` where a path leads (realpath).
   */
  files: Map<string, Seen | null>;
  /** How many times HEAD was noted, and how many staged lists were read: each list must have had HEAD noted before it. */
  heads: number;
  stagedReads: number;
  /** The replay generation when the store was opened (replay/journal.ts). */
  generation?: string;
}

const KEY = Symbol.for('heph.replayObserved');
const g = globalThis as { [KEY]?: Observed };

export function observed(): Observed {
  return (g[KEY] ??= { git: new Map(), files: new Map(), heads: 0, stagedReads: 0 });
}

/** Forgets everything observed (a run read again after waiting for the lock). */
export function resetObserved(): void {
  g[KEY] = { git: new Map(), files: new Map(), heads: 0, stagedReads: 0 };
}

export function observeGit(args: readonly string[], stdout: Buffer): void {
  const key = args.join('\0');
  const text = stdout.toString('latin1');
  const o = observed();
  if (args[0] === 'diff' && args[1] === '--cached') o.stagedReads++;
  o.git.set(key, o.git.has(key) && o.git.get(key) !== text ? null : text);
}

/** What tells one version of a file from another without reading it; 'absent' when there is none. */
export function identityOf(st: BigIntStats | undefined): string {
  return st ? `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : 'absent';
}

/** A path's identity and newest time, as `f:` (the path itself) or `s:` (what it leads to: a settings file git reads through a symlink). */
export function statOf(kind: 'f' | 's', path: string | Buffer): { p: string; st: BigIntStats | undefined; id: string; newest: bigint } {
  let st: BigIntStats | undefined;
  try {
    st = (kind === 'f' ? lstatSync : statSync)(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  return { p: `${kind}:${Buffer.from(path).toString('hex')}`, st, id: identityOf(st), newest: st ? (st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) : 0n };
}

/** Takes a file's identity before its content is read (`path` as the fs APIs take it); `follow`: through symlinks. */
export function observeFile(path: string | Buffer, follow = false): void {
  const { p, st, id, newest } = statOf(follow ? 's' : 'f', path);
  // A directory's content is not in its identity (a nested repository's HEAD, for one).
  note(p, st?.isDirectory() ? null : { id, newest, at: nowNs() });
}

/** A small file's exact content ('absent' when there is none), for what is compared byte for byte. */
export function contentOf(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return 'absent';
  }
}

/**
 * Notes what git's staged list is a function of besides the index: the commit HEAD names. Taken before
 * git lists the staged files: HEAD's file and the branch it names (loose, or packed), and the absence of
 * what would let one commit stand for another (replace refs, grafts) or keep refs elsewhere (reftable).
 * Anything else (a chain of symbolic refs, a ref outside refs/heads) notes nothing usable, and a replay
 * then lists the staged files with git.
 */
export function observeHead(gitDir: string): void {
  const common = commonDirOf(gitDir);
  const state = headState(gitDir, common);
  observed().heads++;
  note(`h:${Buffer.from(gitDir).toString('hex')}`, state === null ? null : { id: state, newest: 0n, at: 0n });
  // The packed branches, by identity. (git's settings can only order the list, and no verdict depends on its order.)
  observeFile(join(common, 'packed-refs'), true);
}

/** What HEAD's file and the branch it names hold, or null when that is not all git would look at. */
export function headState(gitDir: string, common = commonDirOf(gitDir)): string | null {
  const head = contentOf(join(gitDir, 'HEAD'));
  const branch = /^ref: (refs\/heads\/[^\n]+)\n?$/.exec(head)?.[1];
  const plain = branch ? !branch.split('/').includes('..') : /^[0-9a-f]{40}(?:[0-9a-f]{24})?\n?$/.test(head);
  if (!plain || ['refs/replace', 'info/grafts', 'reftable'].some((p) => existsSync(join(common, p)))) return null;
  const loose = branch ? contentOf(join(common, branch)) : '';
  return loose.startsWith('ref:') ? null : `${head}\0${loose}`;
}

/** Where a path leads once symlinks are followed ('missing' when it does not exist). */
export function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return 'missing';
  }
}

/** Notes where a path leads (a check's `cwd`, which must stay inside the repository). */
export function observeReal(path: string): void {
  note(`r:${Buffer.from(path).toString('hex')}`, { id: realOf(path), newest: 0n, at: 0n });
}

/**
 * The racy margin for a time (ns): well above a local filesystem's timestamp tick (a few ms), and two
 * seconds for a time in whole seconds (a filesystem that keeps no finer time, or one set with touch -d).
 */
export const racyMargin = (newest: bigint): bigint => (newest % 1_000_000_000n === 0n ? 2_000_000_000n : 100_000_000n);

/**
 * Whether a time the filesystem stamped (`newest`; 0: nothing there) was at least `margin` before `at`,
 * a time of this process's clock, once `skew` (clockSkew) places one clock against the other: a change
 * after `at` would then have changed the stamp.
 */
export const settled = (newest: bigint, at: bigint, skew: bigint, margin = racyMargin(newest)): boolean => newest === 0n || newest <= at + skew - margin;

/**
 * How far the filesystem's clock is ahead of this process's (ns), by the time it stamps on `tmp`, written
 * empty here (a network filesystem's server has its own clock; git's index serves it the same way).
 */
export function clockSkew(tmp: string): bigint {
  const before = nowNs();
  writeFileSync(tmp, '');
  return statSync(tmp, { bigint: true }).mtimeNs - before;
}

/** This process's wall clock in ns (the filesystem stamps files with the same clock, coarser). */
export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function note(key: string, seen: Seen | null): void {
  const files = observed().files;
  const prev = files.get(key);
  files.set(key, seen && (prev === undefined || prev?.id === seen.id) ? seen : null);
}
