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
import { closeSync, fstatSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { debug } from '../debug.js';
import { HephError } from '../errors.js';
import { openToRead, readIndexFd, stampOf, type IndexStamp } from './index-file.js';
import type { Listing, RawRecord } from './index-listing.js';
import { decodeBytes } from './bytes.js';
import { eachStageEntry } from './ls-files.js';
import type { IndexFile } from './index-entries.js';

type Opened = { fd: number; id: string };

type Row = [mode: string, oid: string, stage: string, pathHex: string];

interface Facts {
  /** The file's checksum (hex), with its length. */
  id: string;
  /**
   * SHA-256 of git's listing of the entries (`ls-files -s -v -z`). Stat data and extensions are not in
   * it: a `git status` that rewrites the index with fresh stat data gives a new file, the same content,
   * and the snapshot's key (which uses this) stays the same.
   */
  content: string;
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
const WRITER = `2/${VERSION}`;
/** Indexes remembered: a commit's (a temporary index) and the worktree's alternate. */
const KEEP = 4;
/** Past these, a run is not a repeat of a small one: it reads the index. */
const MAX_LOOKUPS = 512;
const MAX_ENDINGS = 16;

/** The descriptor, stamp and checksum of the index file as it is now; null when it cannot be read or has no checksum. */
export function openIndex(file: string): { fd: number; stamp: IndexStamp; id: string } | null {
  const fd = openToRead(file);
  if (fd === null) return null;
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

/** The memo file's contents, read once per snapshot before git starts. */
export interface FactsMemo {
  path: string | null;
  all: Facts[];
}

export function readFacts(dir: string | null): FactsMemo {
  const path = dir ? join(dir, FILE) : null;
  return { path, all: path ? readMemo(path) : [] };
}

/**
 * A listing that answers from the remembered facts and reads the index only
 * for a question they do not hold; every answer it reads is recorded.
 */
export class RememberedIndex implements Listing {
  private dirty = false;

  private constructor(
    private fd: number | null,
    private readonly file: string,
    private readonly facts: Facts,
    private readonly memo: FactsMemo,
    private loaded?: Listing | null,
  ) {}

  /** What was remembered of this index; null when nothing was, and the caller lists it (then `learn`). */
  static recall(opened: Opened, file: string, memo: FactsMemo): RememberedIndex | null {
    const known = memo.all.find((f) => f.id === opened.id);
    if (!known) return null;
    log(`index file ${file}: remembered`);
    return new RememberedIndex(opened.fd, file, known, memo);
  }

  /** An index met for the first time, listed by git or read here: its answers are remembered from now on. */
  /**
   * Reads the index behind the descriptor (while git lists it): facts are kept only of an index this
   * reader understands, so that a question the facts do not hold can always be read from the file.
   */
  static probe(opened: Opened, file: string): IndexFile | null {
    const entries = readIndexFd(opened.fd, file)?.listing ?? null;
    const bytes = entries?.bytes;
    return bytes && idOf(bytes.length, bytes.subarray(bytes.length - 32)) === opened.id ? entries : null;
  }

  /**
   * An index met for the first time and listed by git: what `listing` answers is remembered from now
   * on, when `probe` read the same file here (null otherwise: a split or sparse index is always listed).
   */
  static learn(opened: Opened, file: string, memo: FactsMemo, listing: Listing, probed: IndexFile | null): RememberedIndex | null {
    closeSync(opened.fd);
    if (!probed) return null;
    const content = createHash('sha256').update(listing.raw).digest('hex');
    // Whether any entry is flagged, from the entries read here: building the flagged lists is the snapshot's work.
    const facts: Facts = { id: opened.id, content, first: listing.firstOid() ?? null, unflagged: !probed.anyFlagged(), lookups: {}, endings: {} };
    const index = new RememberedIndex(null, file, facts, memo, listing);
    index.dirty = true;
    return index;
  }

  /** Lets go of the descriptor: the snapshot is read again from git. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.loaded = null;
  }

  private entries(): Listing {
    if (this.loaded === undefined && this.fd !== null) {
      try {
        // Facts are kept only of an index read here (`probe`): the same bytes behind the descriptor read alike, unless
        // the file was written over in place since (a copy's way, not git's) and they are not the facts' index any more.
        this.loaded = RememberedIndex.probe({ fd: this.fd, id: this.facts.id }, this.file);
      } finally {
        closeSync(this.fd);
        this.fd = null;
      }
    }
    if (!this.loaded) throw new HephError('git', `the index file ${this.file} was rewritten in place while heph was reading it`, 'run heph again once the program writing it is done');
    return this.loaded;
  }

  identity(): Buffer {
    return Buffer.from(`index listing sha256 ${this.facts.content}`);
  }

  /** SHA-256 (hex) of git's listing of these entries. */
  contentDigest(): string {
    return this.facts.content;
  }

  eachEntry(fn: (mode: string, oid: string, stage: number, path: string) => void): void {
    const entries = this.entries();
    if (entries.eachEntry) entries.eachEntry(fn);
    else eachStageEntry(decodeBytes(entries.raw), fn);
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

  /** Writes what this run learned (atomically: a reader sees the old file or the new). */
  save(): void {
    if (!this.dirty || !this.memo.path) return;
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
  const { id, content, first, unflagged, lookups, endings } = (f ?? {}) as Record<string, unknown>;
  const isDict = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isText(id) || !isText(content) || !(first === null || isText(first)) || typeof unflagged !== 'boolean' || !isDict(lookups) || !isDict(endings)) return null;
  return { id, content, first, unflagged, lookups, endings };
}
