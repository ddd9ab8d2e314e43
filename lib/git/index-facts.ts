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
import { gitSync } from './exec.js';
import { indexStamp, readIndexFd, sameStamp, stampOf, type IndexStamp } from './index-file.js';
import { IndexListing } from './index-listing.js';
import type { Listing, RawRecord } from './index-listing.js';

type Opened = { fd: number; id: string };
/** The index file, the worktree it belongs to, and its stamp when the run began. */
type Where = { file: string; root: string; stamp: IndexStamp };

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
  lookups: Record<string, Row[]>;
  endings: Record<string, string[]>;
}

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
    return { fd, stamp: stampOf(st as unknown as Stats), id: `${size}:${tail.toString('hex')}` };
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
    private readonly where: Where,
    private readonly facts: Facts,
    private readonly memo: FactsMemo,
    private loaded?: Listing | null,
  ) {}

  /** What was remembered of this index; null when nothing was, and the caller lists it (then `learn`). */
  static recall(opened: Opened, where: Where, memo: FactsMemo): RememberedIndex | null {
    const known = memo.all.find((f) => f.id === opened.id);
    if (!known) return null;
    log(`index file ${where.file}: remembered`);
    return new RememberedIndex(opened.fd, where, known, memo);
  }

  /** An index met for the first time, listed by git or read here: its answers are remembered from now on. */
  static learn(opened: Opened, where: Where, memo: FactsMemo, listing: Listing): RememberedIndex {
    closeSync(opened.fd);
    const flagged = listing.flagged();
    const content = createHash('sha256').update(listing.raw).digest('hex');
    const facts: Facts = { id: opened.id, content, first: listing.firstOid() ?? null, unflagged: !flagged.assumed.length && !flagged.skipped.length, lookups: {}, endings: {} };
    const index = new RememberedIndex(null, where, facts, memo, listing);
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
        this.loaded = readIndexFd(this.fd, this.where.file)?.listing ?? null;
      } finally {
        closeSync(this.fd);
        this.fd = null;
      }
      // A format this reader leaves to git (a split index): git lists it, if it is still the file the run began with.
      if (!this.loaded && sameStamp(indexStamp(this.where.file), this.where.stamp)) {
        const out = gitSync(['ls-files', '-s', '-v', '-z'], { cwd: this.where.root, env: { GIT_OPTIONAL_LOCKS: '0' } });
        this.loaded = out && sameStamp(indexStamp(this.where.file), this.where.stamp) ? new IndexListing(out) : null;
      }
    }
    if (!this.loaded) throw new HephError('git', `the index (${this.where.file}) changed while heph was reading it`, 'run heph again');
    return this.loaded;
  }

  identity(): Buffer {
    return Buffer.from(`index listing sha256 ${this.facts.content}`);
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
    const known = this.facts.lookups[path];
    if (known) return known.map(([mode, oid, stage, hex]) => ({ mode, oid, stage, path: Buffer.from(hex, 'hex') }));
    const recs = this.entries().lookup(path);
    if (Object.keys(this.facts.lookups).length < MAX_LOOKUPS) {
      this.facts.lookups[path] = recs.map((r) => [r.mode, r.oid, r.stage, r.path.toString('hex')]);
      this.dirty = true;
    }
    return recs;
  }

  endingWith(suffix: string): string[] {
    const known = this.facts.endings[suffix];
    if (known) return [...known];
    const found = this.entries().endingWith(suffix);
    if (Object.keys(this.facts.endings).length < MAX_ENDINGS && found.length <= MAX_LOOKUPS) {
      this.facts.endings[suffix] = found;
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
    return data.all.filter((f): f is Facts => !!f && typeof f.id === 'string' && typeof f.content === 'string' && typeof f.lookups === 'object' && !!f.lookups && typeof f.endings === 'object' && !!f.endings);
  } catch {
    return [];
  }
}
