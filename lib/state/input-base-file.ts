/**
 * The files of the snapshot base (input-base.ts): the base itself, written
 * whole now and then (git's listing, the changed and untracked paths, every
 * list's bytes: megabytes on a large repository), and a small journal written
 * by every other run (what changed since the base, and the digests it gave).
 * Both are sealed: a damaged or foreign file reads as none. The base's header
 * names a CRC-32 of its body (one pass over megabytes, a fifth of a SHA-256's
 * cost): it tells damage, not forgery; whoever can write heph's folder could as
 * well write its results.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ListOrder } from './input-list.js';
import { VERSION } from '../version.js';

const MAGIC = 'heph-inputs\n';
/** Offsets are stored in the machine's byte order: a folder shared with another kind of machine is no base. */
const ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 'le' : 'be';
/** The fingerprint format and the build: another heph may select other paths for the same globs. */
export const writer = (format: number) => `${format}/${VERSION}/${ENDIAN}`;

export interface ListHead {
  /** SHA-256 of the list's bytes (its digest, seed empty). */
  digest: string;
  order: ListOrder;
  exotic: number;
  conflicts: number;
  count: number;
  bytes: number;
  /** For a selection: as Generation.seeded. */
  seeded?: string;
}

export interface Head {
  v: string;
  source: string;
  algo: string;
  /** SHA-256 of the listing bytes that follow the header. */
  listing: string;
  listingLen: number;
  /** CRC-32 of everything after the header. */
  crc: number;
  /** Changed and untracked paths with their identity, as the run saw them. */
  overlay: [path: string, mode: string, oid: string][];
  lists: Record<string, ListHead>;
}

type Change = [path: string, mode?: string, oid?: string];

/** One later run: its changes since the base (mode and id; none: gone) and the digests they gave. */
export interface Generation {
  changes: Change[];
  digests: Record<string, string>;
  /** The SHA-256 of its index listing, its changed and untracked paths, the paths whose index entries differed from the base's. */
  listing: string;
  overlay: string[];
  indexed: string[];
  /** Per selection: what was patched into the base's (a file and its identity; none: not selected). */
  sel: Record<string, Change[]>;
  /** Per selection: its digest seeded with its check's fingerprint, as a pass that certified it whole records it. */
  seeded: Record<string, string>;
}

export interface Journal {
  v: string;
  /** The seal of the base it follows. */
  base: string;
  gens: Generation[];
}

export const seal = (text: string) => createHash('sha256').update(`heph inputs\0`).update(text).digest('hex');

/** zlib's CRC-32, loaded only by a run that reads or writes a base (node:zlib costs ~1.5 ms to load). */
const crc32 = (data: Buffer, value = 0): number =>
  // An empty buffer would give 0 whatever the running value (Node 20's zlib.crc32).
  data.length ? (process.getBuiltinModule('node:zlib') as typeof import('node:zlib')).crc32(data, value) : value;

/** The base file's header, its seal and where its body starts; null when it is not one this build wrote. */
export function readBase(file: string, v: string): { head: Head; sum: string; buf: Buffer; body: number } | null {
  try {
    const buf = readFileSync(file);
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
    const nl = buf.indexOf(10, MAGIC.length);
    const sum = buf.toString('latin1', MAGIC.length, nl);
    const end = buf.indexOf(10, nl + 1);
    const text = buf.toString('utf8', nl + 1, end);
    if (sum !== seal(text)) return null;
    const head = JSON.parse(text) as Head;
    return head.v === v && crc32(buf.subarray(end + 1)) === head.crc ? { head, sum, buf, body: end + 1 } : null;
  } catch {
    return null;
  }
}

/** Writes the base (atomically: a reader sees the old file or the new); returns its seal, null if it could not. */
export function writeBase(file: string, head: Omit<Head, 'crc'>, parts: Buffer[]): string | null {
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  const text = JSON.stringify({ ...head, crc });
  const sum = seal(text);
  return writeParts(file, [Buffer.from(`${MAGIC}${sum}\n${text}\n`, 'utf8'), ...parts]) ? sum : null;
}

export function readJournal(file: string, v: string, base: string): Generation[] {
  try {
    const text = readFileSync(file, 'utf8');
    const nl = text.indexOf('\n');
    if (text.slice(0, nl) !== seal(text.slice(nl + 1))) return [];
    const j = JSON.parse(text.slice(nl + 1)) as Journal;
    return j.v === v && j.base === base && Array.isArray(j.gens) ? j.gens : [];
  } catch {
    return [];
  }
}

export function writeJournal(file: string, j: Journal): void {
  const text = JSON.stringify(j);
  writeParts(file, [Buffer.from(`${seal(text)}\n${text}`, 'utf8')]);
}

function writeParts(file: string, parts: Buffer[]): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const p of parts) for (let at = 0; at < p.length; ) at += writeSync(fd, p, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // an unwritable state folder only costs the next run a listing from scratch
    }
    return false;
  }
}
