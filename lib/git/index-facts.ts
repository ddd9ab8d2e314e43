/**
 * What a run asked of the index, remembered by the index file's checksum. A
 * repeated run or hook asks the same few things (the config files' entries,
 * the staged files' entries, whether any entry is flagged): with the answers
 * at hand it does not read and walk a 50,000-entry index at all. The file's
 * checksum is git's digest of every byte of it, so equal checksums mean the
 * same entries, and an answer recorded for one is the answer for the other.
 * Anything not recorded reads the index through the descriptor opened before
 * git's reads, so it is that same file even if git has replaced it since.
 *
 * The memo file is sealed like the digest memo: a damaged one is ignored.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { debug } from '../debug.js';
import { HephError } from '../errors.js';
import { readIndexFd, stampOf, type IndexStamp } from './index-file.js';
import type { IndexFile } from './index-entries.js';
import type { Listing, RawRecord } from './index-listing.js';

type Row = [mode: string, oid: string, stage: string, pathHex: string];

interface Facts {
  /** The file's checksum (hex), with its length. */
  id: string;
  first: string | null;
  /** No entry is assume-unchanged or skip-worktree: flagged() is empty. */
  unflagged: boolean;
  /** Keyed by path: read and written through `answerOf` and `keep` only, so a file named `constructor` or `__proto__` is a path like any other. */
  lookups: Record<string, unknown>;
  endings: Record<string, unknown>;
}

/** A remembered answer of the expected shape; a key only the prototype has, or a row of another shape, is none. */
const answerOf = <T>(dict: Record<string, unknown>, key: string, is: (x: unknown) => x is T): T[] | undefined => {
  const v = Object.hasOwn(dict, key) ? dict[key] : undefined;
  return Array.isArray(v) && v.every(is) ? v : undefined;
};
/** Sets an own property even for `__proto__` (a plain assignment would set the object's prototype). */
const keep = (dict: Record<string, unknown>, key: string, value: unknown) => Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
const isText = (x: unknown): x is string => typeof x === 'string';
const isRow = (x: unknown): x is Row => Array.isArray(x) && x.length === 4 && x.every(isText);

/** What names one version of the index file: its size and last 32 bytes (git's checksum, after what precedes it). */
const idOf = (size: number, tail: Buffer) => `${size}:${tail.toString('hex')}`;

const log = debug('git');
const FILE = 'index-facts.json';
const WRITER = `1/${VERSION}`;
/** Indexes remembered: a commit's (a temporary index) and the worktree's alternate. */
const KEEP = 4;
/** Past these, a run is not a repeat of a small one: it reads the index. */
const MAX_LOOKUPS = 512;
const MAX_ENDINGS = 16;

/** The descriptor, stamp and checksum of the index file as it is now; null when it cannot be read or has no checksum. */
export function openIndex(file: string): { fd: number; stamp: IndexStamp; id: string } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const tail = Buffer.alloc(32);
    if (size < 12 + 32 || readSync(fd, tail, 0, 32, size - 32) !== 32) throw new Error('short');
    // With index.skipHash the checksum is zeros: no identity without reading it all.
    if (tail.subarray(12).every((b) => b === 0)) throw new Error('no checksum');
    return { fd, stamp: stampOf(st as unknown as Stats), id: idOf(size, tail) };
  } catch {
    closeSync(fd);
    return null;
  }
}

/**
 * A listing that answers from the remembered facts and reads the index only
 * for a question they do not hold; every answer it reads is recorded.
 */
export class RememberedIndex implements Listing {
  private loaded: IndexFile | null | undefined;
  private dirty = false;

  private constructor(
    private fd: number | null,
    private readonly file: string,
    private readonly facts: Facts,
    private readonly memo: { path: string; all: Facts[] } | null,
  ) {}

  /** Null when the index cannot be read here: the caller then asks git. */
  static open(opened: { fd: number; id: string }, file: string, dir: string | null): RememberedIndex | null {
    const path = dir ? join(dir, FILE) : null;
    const all = path ? readMemo(path) : [];
    const known = all.find((f) => f.id === opened.id);
    if (known) log(`index file ${file}: remembered`);
    const facts = known ?? { id: opened.id, first: null, unflagged: false, lookups: {}, endings: {} };
    const index = new RememberedIndex(opened.fd, file, facts, path ? { path, all } : null);
    // An index met for the first time is read now: whether it can be read here decides who lists it.
    if (!known) {
      const entries = index.load();
      if (!entries) return null;
      log(`index file ${file}: facts to remember`);
      facts.first = entries.firstOid() ?? null;
      facts.unflagged = entries.flagged().assumed.length + entries.flagged().skipped.length === 0;
      index.dirty = true;
    }
    return index;
  }

  /** Lets go of the descriptor: the snapshot is read again from git. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.loaded = null;
  }

  private load(): IndexFile | null {
    if (this.loaded === undefined && this.fd !== null) {
      try {
        const entries = readIndexFd(this.fd, this.file)?.listing ?? null;
        // Written over in place (a copy's way, not git's): the bytes behind the descriptor are no longer the facts' index.
        const bytes = entries?.bytes;
        this.loaded = bytes && idOf(bytes.length, bytes.subarray(bytes.length - 32)) === this.facts.id ? entries : null;
      } finally {
        closeSync(this.fd);
        this.fd = null;
      }
    }
    return this.loaded ?? null;
  }

  private entries(): IndexFile {
    const e = this.load();
    // Only an index read successfully when first met gets facts: its bytes, behind the same descriptor, read alike
    // unless the file was written over in place since; what it held then is gone.
    if (!e) throw new HephError('git', `the index file ${this.file} was rewritten in place while heph was reading it`, 'run again once the program writing it is done');
    return e;
  }

  identity(): Buffer {
    return Buffer.from(`index file ${this.facts.id}`);
  }

  get raw(): Buffer {
    return this.entries().raw;
  }

  firstOid(): string | undefined {
    return this.facts.first ?? undefined;
  }

  flagged(goneUnder?: (path: string) => string | undefined): { assumed: string[]; skipped: string[] } {
    return this.facts.unflagged ? { assumed: [], skipped: [] } : this.entries().flagged(goneUnder);
  }

  lookup(path: string): RawRecord[] {
    const rows = answerOf(this.facts.lookups, path, isRow);
    if (rows) return rows.map(([mode, oid, stage, hex]) => ({ mode, oid, stage, path: Buffer.from(hex, 'hex') }));
    const recs = this.entries().lookup(path);
    if (Object.keys(this.facts.lookups).length < MAX_LOOKUPS) {
      keep(this.facts.lookups, path, recs.map((r) => [r.mode, r.oid, r.stage, r.path.toString('hex')]));
      this.dirty = true;
    }
    return recs;
  }

  endingWith(suffix: string): string[] {
    const paths = answerOf(this.facts.endings, suffix, isText);
    if (paths) return [...paths];
    const found = this.entries().endingWith(suffix);
    if (Object.keys(this.facts.endings).length < MAX_ENDINGS && found.length <= MAX_LOOKUPS) {
      keep(this.facts.endings, suffix, found);
      this.dirty = true;
    }
    return found;
  }

  scoped(pathspecs: readonly string[]): IndexFile | null {
    return this.entries().scoped(pathspecs);
  }

  /** Writes what this run learned (atomically: a reader sees the old file or the new). */
  save(): void {
    if (!this.dirty || !this.memo) return;
    this.dirty = false;
    const all = [this.facts, ...this.memo.all.filter((f) => f.id !== this.facts.id)].slice(0, KEEP);
    const body = JSON.stringify({ v: WRITER, sum: seal(JSON.stringify(all)), all });
    const tmp = `${this.memo.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, body);
      renameSync(tmp, this.memo.path);
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // an unwritable state folder only costs the next run a read of the index
      }
    }
  }
}

const seal = (text: string) => createHash('sha256').update(`heph index facts ${WRITER}\0`).update(text).digest('hex');

function readMemo(path: string): Facts[] {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { v?: unknown; sum?: unknown; all?: unknown };
    if (data.v !== WRITER || !Array.isArray(data.all) || data.sum !== seal(JSON.stringify(data.all))) return [];
    return data.all.map(factsOf).filter((f): f is Facts => f !== null);
  } catch {
    return [];
  }
}

/** The facts of one index in the shape this version writes; null for anything else (a miss). Answers are checked where used. */
function factsOf(f: unknown): Facts | null {
  const { id, first, unflagged, lookups, endings } = (f ?? {}) as Record<string, unknown>;
  const isDict = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isText(id) || !(first === null || isText(first)) || typeof unflagged !== 'boolean' || !isDict(lookups) || !isDict(endings)) return null;
  return { id, first, unflagged, lookups, endings };
}
