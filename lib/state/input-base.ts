/**
 * The last snapshot a run fingerprinted, kept so that the next one costs what
 * changed. A new commit (a new index) or an edited file misses the digest
 * memo (digest-memo.ts), and computing every input list afresh walks every
 * path in JavaScript. Instead, per snapshot source, the base keeps:
 *   - git's listing of that index (`ls-files -s -v -z` bytes) and the identity
 *     of each changed and untracked path: together, every path's content as
 *     that run saw it;
 *   - the bytes of each input list it hashed (input-list.ts).
 * The next run compares its listing with the base's (listing-diff.ts: native
 * comparisons over the sorted bytes) and its changed and untracked paths with
 * the base's, which names every path whose content, mode or presence differs;
 * the lists are patched for those paths only and hashed again. The base
 * describes content, not a place: a base written by another worktree or
 * clone sharing the folder only makes the difference larger.
 *
 * A damaged or foreign file is no base: its header is sealed, its listing
 * must hash to the digest the header names, and anything that does not parse
 * is ignored (the run computes from scratch and writes a new one).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexListing } from '../git/index-listing.js';
import { changedPaths } from '../git/listing-diff.js';
import type { Identity, Snapshot } from '../git/snapshot.js';
import type { InputList, ListOrder } from './input-list.js';
import { VERSION } from '../version.js';

const MAGIC = 'heph-inputs\n';
/** Offsets are stored in the machine's byte order: a folder shared with another kind of machine is no base. */
const ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 'le' : 'be';
/** The fingerprint format and the build: another heph may select other paths for the same globs. */
const writer = (format: number) => `${format}/${VERSION}/${ENDIAN}`;

interface ListHead {
  digest: string;
  order: ListOrder;
  exotic: number;
  conflicts: number;
  count: number;
  bytes: number;
}

interface Head {
  v: string;
  source: string;
  algo: string;
  /** SHA-256 of the listing bytes that follow the header. */
  listing: string;
  listingLen: number;
  /** Changed and untracked paths with their identity, as the run saw them. */
  overlay: [path: string, mode: string, oid: string][];
  lists: Record<string, ListHead>;
}

const seal = (text: string) => createHash('sha256').update(`heph inputs\0`).update(text).digest('hex');
const same = (a: Identity | undefined, b: Identity | undefined) => a === b || (!!a && !!b && a.mode === b.mode && a.oid === b.oid);
const CONFLICT: Identity = { mode: 'conflict', oid: 'conflict' };

export class InputBase {
  private kept = new Map<string, { list: InputList; digest: string }>();
  private diff: Map<string, Identity | undefined> | null | undefined;

  private constructor(
    private readonly file: string | null,
    private readonly snap: Snapshot,
    private readonly format: number,
    private readonly head: Head | null,
    private readonly buf: Buffer | null,
    private readonly body: number,
  ) {}

  /** The base of `snap`'s source in `dir` (null: none read, none written). */
  static open(dir: string | null, snap: Snapshot, format: number): InputBase {
    const file = dir ? join(dir, `inputs-${snap.source}.bin`) : null;
    let head: Head | null = null;
    let buf: Buffer | null = null;
    let body = 0;
    try {
      if (file) {
        buf = readFileSync(file);
        const nl = buf.indexOf(10, MAGIC.length);
        const sum = buf.toString('latin1', MAGIC.length, nl);
        const end = buf.indexOf(10, nl + 1);
        const text = buf.toString('utf8', nl + 1, end);
        const h = JSON.parse(text) as Head;
        if (buf.toString('latin1', 0, MAGIC.length) === MAGIC && sum === seal(text) && h.v === writer(format) && h.source === snap.source && h.algo === snap.algo) {
          head = h;
          body = end + 1;
        }
      }
    } catch {
      head = null;
    }
    return new InputBase(file, snap, format, head, head ? buf : null, body);
  }

  /**
   * Every path whose identity differs from the base's, with its identity now
   * (undefined: no longer tracked nor untracked). null: no base to compare
   * with, or this snapshot cannot say (too many changed files to key it).
   */
  changes(): ReadonlyMap<string, Identity | undefined> | null {
    if (this.diff !== undefined) return this.diff;
    this.diff = null;
    const head = this.head;
    const now = this.snap.indexListing?.();
    const overlay = this.snap.overlay?.();
    if (!head || !now || !overlay) return null;
    let oldIndex: (p: string) => Identity | undefined;
    const candidates = new Set<string>();
    if (head.listing === now.digest) {
      oldIndex = (p) => this.snap.indexIdentity!(p);
    } else {
      const raw = this.buf!.subarray(this.body, this.body + head.listingLen);
      if (raw.length !== head.listingLen || createHash('sha256').update(raw).digest('hex') !== head.listing) return null;
      const old = new IndexListing(raw);
      oldIndex = (p) => {
        const recs = old.lookup(p);
        return !recs.length ? undefined : recs.some((r) => r.stage !== '0') ? CONFLICT : { mode: recs[0].mode, oid: recs[0].oid };
      };
      for (const p of changedPaths(raw, now.raw())) candidates.add(p);
    }
    const before = new Map<string, Identity>(head.overlay.map(([p, mode, oid]) => [p, { mode, oid }]));
    for (const p of before.keys()) candidates.add(p);
    for (const p of overlay.keys()) candidates.add(p);
    const out = new Map<string, Identity | undefined>();
    for (const p of candidates) {
      const was = before.get(p) ?? oldIndex(p);
      const is = overlay.get(p) ?? this.snap.indexIdentity!(p);
      if (!same(was, is)) out.set(p, is);
    }
    return (this.diff = out);
  }

  /** The base's list under `key`, when the changes since the base are known. */
  list(key: string): { list: InputList; digest: string } | undefined {
    const h = this.head?.lists[key];
    if (!h || !this.changes()) return undefined;
    let at = this.body + this.head!.listingLen;
    for (const [k, l] of Object.entries(this.head!.lists)) {
      if (k === key) break;
      at += l.bytes + l.count * 4;
    }
    const buf = this.buf!;
    if (at + h.bytes + h.count * 4 > buf.length) return undefined;
    const bytes = buf.subarray(at, at + h.bytes);
    // Copied: the offsets of a file read as a whole need not be 4-byte aligned.
    const offsets = new Int32Array(h.count);
    new Uint8Array(offsets.buffer).set(buf.subarray(at + h.bytes, at + h.bytes + h.count * 4));
    return { list: { bytes, offsets, order: h.order, exotic: h.exotic, conflicts: h.conflicts }, digest: h.digest };
  }

  /** A list this run hashed, for the next run's base. */
  keep(key: string, list: InputList, digest: string): void {
    this.kept.set(key, { list, digest });
  }

  /** Writes this run's snapshot and lists as the new base (atomically); lists of an unchanged snapshot are carried over. */
  save(): void {
    if (!this.file || !this.kept.size) return;
    const now = this.snap.indexListing?.();
    const overlay = this.snap.overlay?.();
    if (!now || !overlay) return;
    const unchanged = this.changes()?.size === 0 && this.head?.listing === now.digest;
    if (unchanged && this.head) for (const k of Object.keys(this.head.lists)) if (!this.kept.has(k)) this.kept.set(k, this.list(k)!);
    const raw = this.head?.listing === now.digest ? this.buf!.subarray(this.body, this.body + this.head.listingLen) : now.raw();
    const head: Head = {
      v: writer(this.format),
      source: this.snap.source,
      algo: this.snap.algo,
      listing: now.digest,
      listingLen: raw.length,
      overlay: [...overlay].map(([p, id]) => [p, id.mode, id.oid]),
      lists: {},
    };
    const parts: Buffer[] = [raw];
    for (const [k, { list, digest }] of this.kept) {
      head.lists[k] = { digest, order: list.order, exotic: list.exotic, conflicts: list.conflicts, count: list.offsets.length, bytes: list.bytes.length };
      parts.push(list.bytes, Buffer.from(list.offsets.buffer, list.offsets.byteOffset, list.offsets.byteLength));
    }
    const text = JSON.stringify(head);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}${seal(text)}\n${text}\n`, 'utf8'), ...parts]));
      renameSync(tmp, this.file);
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // an unwritable state folder only costs the next run a listing from scratch
      }
    }
  }
}
