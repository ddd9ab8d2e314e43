/**
 * git's index file read in-process, in place of `git ls-files -s -v -z`.
 * Every run and hook needs the index listing; on a large repository the git
 * process that prints it (and the megabytes piped back) cost more than
 * reading the file, which is already in the page cache. What the entries say
 * is exactly what git's listing says (index-entries.ts), and a test compares
 * both byte for byte over generated repositories.
 *
 * Anything this reader does not fully understand returns null and the caller
 * asks git: a split index (`link`), a sparse index (`sdir`), any other
 * extension git marks as required, a version other than 2, 3 and 4, or bytes
 * that do not add up exactly to the file's length.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { monotonicMs } from '../clock.js';
import { debug } from '../debug.js';
import { indexFileIn } from './index-path.js';
import { gitEnv } from './exec.js';
import { IndexFile } from './index-entries.js';

/** Where git reads the index: by default in the environment heph's git calls get (taken once, exec.ts), not process.env as it may be later. */
export function indexFilePath(root: string, gitDir: string, env: NodeJS.ProcessEnv = gitEnv()): string {
  return indexFileIn(root, gitDir, env);
}

/** What identifies one version of the index file on disk: a rewrite (git writes a new file and renames it) changes it. */
export interface IndexStamp {
  ino: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export const stampOf = (st: Stats & { mtimeNs?: bigint; ctimeNs?: bigint }): IndexStamp => ({
  ino: Number(st.ino),
  size: Number(st.size),
  mtimeNs: st.mtimeNs ?? BigInt(Math.round(st.mtimeMs * 1e6)),
  ctimeNs: st.ctimeNs ?? BigInt(Math.round(st.ctimeMs * 1e6)),
});

/** The index file's stamp now; null when it cannot be read. */
export function indexStamp(file: string): IndexStamp | null {
  try {
    return stampOf(statSync(file, { bigint: true }) as unknown as Stats);
  } catch {
    return null;
  }
}

export const sameStamp = (a: IndexStamp | null, b: IndexStamp | null): boolean =>
  !!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

export interface IndexRead {
  listing: IndexFile;
  /** The file's stamp when it was read. */
  stamp: IndexStamp;
}

const log = debug('git');

/**
 * The last file read: a commit reads the index for its config files, then for its scope. On globalThis:
 * the entry point and the CLI bundle each carry their own copy of this module.
 */
const LAST = Symbol.for('heph.indexFileRead');
const shared = globalThis as { [LAST]?: { file: string; read: IndexRead | null } };

/**
 * Runs `fn` once the current task is done: a read of the index started with git's reads, before heph's
 * modules load, would hold up the loading; after it, it runs while git is still at work.
 */
export const afterTask = <T>(fn: () => T): Promise<T> => new Promise((done) => setImmediate(() => done(fn())));

/** A descriptor of the file for reading; null when there is none to read. */
export function openToRead(file: string): number | null {
  try {
    return openSync(file, 'r');
  } catch {
    return null;
  }
}

/** Reads the index file; null when git must be asked instead (see above), or there is none. */
export function readIndexFile(file: string): IndexRead | null {
  const fd = openToRead(file);
  if (fd === null) return null;
  try {
    return readIndexFd(fd, file);
  } finally {
    closeSync(fd);
  }
}

/** Reads the index behind an open descriptor of `file` (left open); the last read is reused when the file is the same. */
export function readIndexFd(fd: number, file: string): IndexRead | null {
  try {
    const st = fstatSync(fd, { bigint: true });
    const stamp = stampOf(st as unknown as Stats);
    const last = shared[LAST];
    if (last?.file === file && last.read && sameStamp(last.read.stamp, stamp)) {
      log(`index file ${file}: read before`);
      return last.read;
    }
    const began = monotonicMs();
    const size = Number(st.size);
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) return null;
      got += n;
    }
    const listing = IndexFile.parse(buf, 20) ?? IndexFile.parse(buf, 32);
    const read = listing ? { listing, stamp } : null;
    shared[LAST] = { file, read };
    log(`index file ${file}: ${listing ? `${listing.size} entries` : 'left to git'} (${(monotonicMs() - began).toFixed(1)}ms)`);
    return read;
  } catch {
    return null;
  }
}

