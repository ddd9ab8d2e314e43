/**
 * Input digests remembered by snapshot content. A check's input digest is a
 * function of the snapshot's content (Snapshot.contentKey) and its globs
 * alone, so when a run finds the index and the working tree as the last run
 * left them, it takes the digests from here instead of listing, matching and
 * hashing every path again: the repeated `heph run --fast` or hook costs what
 * git's reads cost, not a pass over every file in JavaScript. The memo is
 * content-addressed (a key names what was hashed, wherever it was), so a
 * stale or shared file can only miss, never mislead. A damaged file is
 * ignored and rewritten: the file carries a digest of its entries, so damage
 * that still parses (a selection size of 0 would skip a check) is caught too.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_VERSION, type DigestCache, type MemoDigest } from './fingerprint.js';
import { VERSION } from '../version.js';

type Row = [digest: string, count: number, cacheable: 0 | 1];

interface Entry {
  key: string;
  digests: Record<string, Row>;
}

/** Snapshots remembered: a pre-commit's (the index) and a run's (the working tree) alternate. */
const KEEP = 4;
const FILE = 'digests.json';
/**
 * Which heph wrote the file. A digest stands for the paths heph selected for some globs; another
 * build may select differently (a glob fix) without changing what a fingerprint means, and would
 * otherwise reuse the old selection's digest for as long as the content stays the same.
 */
const WRITER = `${FORMAT_VERSION}/${VERSION}`;

export class DigestMemo implements DigestCache {
  private dirty = false;
  private constructor(
    private readonly path: string | null,
    private readonly entries: Entry[],
    private readonly current: Entry,
  ) {}

  /** The memo for one snapshot key; `dir` null: read nothing, write nothing. */
  static open(dir: string | null, key: string): DigestMemo {
    const path = dir ? join(dir, FILE) : null;
    const entries = path ? read(path) : [];
    const found = entries.find((e) => e.key === key);
    const current = found ?? { key, digests: {} };
    return new DigestMemo(path, entries, current);
  }

  get(glob: string): MemoDigest | undefined {
    const row = this.current.digests[glob];
    // A count becomes an array length: anything but a plain size is no answer.
    if (!Array.isArray(row) || typeof row[0] !== 'string' || !Number.isSafeInteger(row[1]) || row[1] < 0 || row[1] >= 2 ** 32) return undefined;
    return { digest: row[0], count: row[1], cacheable: row[2] === 1 };
  }

  set(glob: string, d: MemoDigest): void {
    this.current.digests[glob] = [d.digest, d.count, d.cacheable ? 1 : 0];
    this.dirty = true;
  }

  /** Writes the memo when this run added to it (atomically: a reader sees the old file or the new). */
  save(): void {
    if (!this.dirty || !this.path) return;
    this.dirty = false;
    const rest = this.entries.filter((e) => e.key !== this.current.key);
    const entries = [this.current, ...rest].slice(0, KEEP);
    const body = JSON.stringify({ v: WRITER, sum: checksum(WRITER, JSON.stringify(entries)), entries });
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, body);
      renameSync(tmp, this.path);
    } catch {
      // An unwritable state folder, or something else in the memo's place: the next run computes the
      // digests again. The temporary file must not pile up, one per run.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
    }
  }
}

function read(path: string): Entry[] {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { v?: unknown; sum?: unknown; entries?: unknown };
    if (data.v !== WRITER || !Array.isArray(data.entries) || data.sum !== checksum(WRITER, JSON.stringify(data.entries))) return [];
    return data.entries.filter((e): e is Entry => !!e && typeof e.key === 'string' && typeof e.digests === 'object' && e.digests !== null);
  } catch {
    return [];
  }
}

/** JSON.stringify of parsed JSON gives back the same text: the digest is checked without keeping the raw entries. */
export function checksum(writer: string, entries: string): string {
  return createHash('sha256').update(`heph digests ${writer}\0`).update(entries).digest('hex');
}
