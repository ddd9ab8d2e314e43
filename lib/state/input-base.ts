/**
 * The snapshot a run last fingerprinted from scratch, kept so that later runs
 * cost what changed. A new commit (a new index) or an edited file misses the
 * digest memo (digest-memo.ts), and computing every input list afresh walks
 * every path in JavaScript. Instead, per snapshot source, the base keeps:
 *   - git's listing of that index (`ls-files -s -v -z` bytes) and the identity
 *     of each changed and untracked path: together, every path's content as
 *     that run saw it;
 *   - the bytes of each input list it hashed (input-list.ts).
 * A later run compares its listing with the base's (listing-diff.ts: native
 * comparisons over the sorted bytes) and its changed and untracked paths
 * with the base's, which names every path whose content, mode or presence
 * differs; the lists are patched for those paths only and hashed again. The
 * base is rewritten only when that difference has grown (or a list is new);
 * other runs append what changed to a small journal, from which the changed
 * inputs of an earlier result are named. The base describes content, not a
 * place: one written by another worktree or clone sharing the folder only
 * makes the difference larger.
 */
import { join } from 'node:path';
import { IndexListing } from '../git/index-listing.js';
import { changedPaths } from '../git/listing-diff.js';
import type { Identity, Snapshot } from '../git/snapshot.js';
import { findRecord, type InputList } from './input-list.js';
import { readBase, readJournal, writeBase, writeJournal, writer, type Generation, type Head } from './input-base-file.js';

/** Past this many changed paths since the base, a run writes a new base instead of a journal entry. */
const REBASE = 256;
/** Runs the journal remembers (their digests name the changed inputs of results they recorded). */
const KEEP_GENS = 8;

const same = (a: Identity | undefined, b: Identity | undefined) => a === b || (!!a && !!b && a.mode === b.mode && a.oid === b.oid);
const CONFLICT: Identity = { mode: 'conflict', oid: 'conflict' };

export class InputBase {
  private kept = new Map<string, { list: InputList; digest: string; patched: boolean; sel?: ReadonlyMap<string, Identity | undefined>; seeded?: string }>();
  private diff: Map<string, Identity | undefined> | null | undefined;
  private oldIndex: ((p: string) => Identity | undefined) | undefined;
  /** Paths whose index records differ from the base's (their content may not: a file staged as it was untracked). */
  private indexDiff = new Set<string>();
  private loaded: { base: ReturnType<typeof readBase>; gens: Generation[] } | undefined;

  private constructor(
    /** Where this run's base is written; null: read only. */
    private readonly file: string | null,
    private readonly snap: Snapshot,
    private readonly v: string,
    /** Where it is read from. */
    private readonly read: string | null,
    private readonly source: string,
  ) {}

  /**
   * The base of `snap`'s source in `dir` (null: none read, none written), read on first use: a run
   * whose snapshot the digest memo knows never reads it. With `source`, another source's base, read
   * only to name what changed since it (a result a run recorded for a hook).
   */
  static open(dir: string | null, snap: Snapshot, format: number, source: string = snap.source): InputBase {
    const file = dir ? join(dir, `inputs-${source}.bin`) : null;
    return new InputBase(source === snap.source ? file : null, snap, writer(format), file, source);
  }

  private get base(): ReturnType<typeof readBase> {
    return this.load().base;
  }

  private get gens(): Generation[] {
    return this.load().gens;
  }

  private load(): { base: ReturnType<typeof readBase>; gens: Generation[] } {
    if (this.loaded) return this.loaded;
    const read = this.read ? readBase(this.read, this.v) : null;
    const base = read && read.head.source === this.source && read.head.algo === this.snap.algo ? read : null;
    return (this.loaded = { base, gens: this.read && base ? readJournal(`${this.read}.journal`, this.v, base.sum) : [] });
  }

  /**
   * Every path whose identity differs from the base's, with its identity now
   * (undefined: no longer tracked nor untracked). null: no base to compare
   * with, or this snapshot cannot say (too many changed files to key it).
   */
  changes(): ReadonlyMap<string, Identity | undefined> | null {
    if (this.diff !== undefined) return this.diff;
    this.diff = null;
    const now = this.snap.indexListing?.();
    const overlay = this.snap.overlay?.();
    if (!this.base || !now || !overlay) return null;
    const { head, buf, body } = this.base;
    const candidates = new Set<string>();
    if (head.listing === now.digest) {
      this.oldIndex = (p) => this.snap.indexIdentity!(p);
    } else {
      const raw = buf.subarray(body, body + head.listingLen);
      if (raw.length !== head.listingLen) return null;
      const old = new IndexListing(raw);
      this.oldIndex = (p) => {
        const recs = old.lookup(p);
        return !recs.length ? undefined : recs.some((r) => r.stage !== '0') ? CONFLICT : { mode: recs[0].mode, oid: recs[0].oid };
      };
      // A run of the journal saw this very index: what differs from the base is what differed then, or
      // is a changed or untracked path then or now (the same index gives every other path the same identity).
      const seen = [...this.gens].reverse().find((g) => g.listing === now.digest);
      const indexed = seen ? [...seen.indexed, ...seen.changes.map(([p]) => p), ...seen.overlay] : changedPaths(raw, now.raw());
      for (const p of indexed) candidates.add(p);
      for (const p of seen ? seen.indexed : indexed) this.indexDiff.add(p);
    }
    const before = this.overlayBefore();
    for (const p of before.keys()) candidates.add(p);
    for (const p of overlay.keys()) candidates.add(p);
    const out = new Map<string, Identity | undefined>();
    for (const p of candidates) {
      const is = overlay.get(p) ?? this.snap.indexIdentity!(p);
      if (!same(this.was(p, before), is)) out.set(p, is);
    }
    return (this.diff = out);
  }

  private overlayCache: Map<string, Identity> | undefined;
  private overlayBefore(): Map<string, Identity> {
    return (this.overlayCache ??= new Map(this.base!.head.overlay.map(([p, mode, oid]) => [p, { mode, oid }])));
  }

  /** A path's identity in the base. */
  private was(p: string, before = this.overlayBefore()): Identity | undefined {
    return before.get(p) ?? this.oldIndex!(p);
  }

  /** Paths whose index entries changed since the base, whether or not their content did. */
  indexChanged(): ReadonlySet<string> {
    return this.indexDiff;
  }

  /** The base's list under `key`, when the changes since the base are known. */
  list(key: string): { list: InputList; digest: string } | undefined {
    const h = this.base?.head.lists[key];
    if (!h || !this.changes()) return undefined;
    const { head, buf, body } = this.base!;
    let at = body + head.listingLen;
    for (const [k, l] of Object.entries(head.lists)) {
      if (k === key) break;
      at += l.bytes + l.count * 4;
    }
    if (at + h.bytes + h.count * 4 > buf.length) return undefined;
    const bytes = buf.subarray(at, at + h.bytes);
    const rawOffsets = buf.subarray(at + h.bytes, at + h.bytes + h.count * 4);
    // Copied: the offsets of a file read as a whole need not be 4-byte aligned.
    const offsets = new Int32Array(h.count);
    new Uint8Array(offsets.buffer).set(rawOffsets);
    return { list: { bytes, offsets, order: h.order, exotic: h.exotic, conflicts: h.conflicts }, digest: h.digest };
  }

  /**
   * The paths of a list (`inList`) whose identity differs between the run
   * that gave it digest `prev` (the base, or a run in the journal) and now;
   * undefined when no such run is remembered.
   */
  namesSince(key: string, prev: string, inList: (p: string) => boolean): string[] | undefined {
    const now = this.changes();
    if (!now || !this.base) return undefined;
    const then: Map<string, Identity | undefined> | undefined =
      this.base.head.lists[key]?.digest === prev
        ? new Map()
        : (() => {
            const g = [...this.gens].reverse().find((x) => x.digests[key] === prev);
            return g && new Map(g.changes.map(([p, mode, oid]) => [p, mode !== undefined && oid !== undefined ? { mode, oid } : undefined]));
          })();
    if (!then) return undefined;
    const out: string[] = [];
    for (const p of new Set([...now.keys(), ...then.keys()])) {
      if (!inList(p)) continue;
      const a = then.has(p) ? then.get(p) : this.was(p);
      const b = now.has(p) ? now.get(p) : this.was(p);
      if (!same(a, b)) out.push(p);
    }
    return out.sort();
  }

  /** A list this run hashed: `patched` from the base's (for a selection, with what was patched in), or listed from scratch. */
  keep(key: string, list: InputList, digest: string, patched: boolean, sel?: ReadonlyMap<string, Identity | undefined>): void {
    this.kept.set(key, { list, digest, patched, ...(sel ? { sel } : {}) });
  }

  /** A kept selection's digest seeded with its check's fingerprint (what a pass certifying it whole records). */
  seeded(key: string, digest: string): void {
    const k = this.kept.get(key);
    if (k) k.seeded = digest;
  }

  /**
   * The files of selection `key` (patched in now: `mine`) to look up in the certification store: those
   * whose path and identity were not in the latest remembered selection a pass certified whole (its
   * seeded digest among `known`); undefined when no remembered selection was.
   */
  selectionSince(key: string, known: readonly string[], held: InputList, mine: ReadonlyMap<string, Identity | undefined>): string[] | undefined {
    if (!this.base) return undefined;
    const gens: { sel: Map<string, Identity | undefined>; seeded?: string }[] = [
      { sel: new Map(), seeded: this.base.head.lists[key]?.seeded },
      ...this.gens.map((g) => ({ sel: new Map((g.sel?.[key] ?? []).map(([p, mode, oid]) => [p, mode !== undefined && oid !== undefined ? { mode, oid } : undefined] as const)), seeded: g.seeded?.[key] })),
    ];
    const then = gens.reverse().find((g) => g.seeded !== undefined && known.includes(g.seeded));
    if (!then) return undefined;
    const out: string[] = [];
    for (const p of new Set([...mine.keys(), ...then.sel.keys()])) {
      const now = mine.has(p) ? mine.get(p) : findRecord(held, p);
      if (now && !same(now, then.sel.has(p) ? then.sel.get(p) : findRecord(held, p))) out.push(p);
    }
    return out;
  }

  /**
   * Records this run: a journal entry when every list came from the base and
   * little changed since it, else a new base with this run's lists.
   */
  save(): void {
    if (!this.file || !this.kept.size) return;
    const now = this.snap.indexListing?.();
    const overlay = this.snap.overlay?.();
    if (!now || !overlay) return;
    const changes = this.changes();
    const digests = Object.fromEntries([...this.kept].map(([k, l]) => [k, l.digest]));
    if (this.base && changes && changes.size <= REBASE && [...this.kept.values()].every((l) => l.patched)) {
      const flat = (m: ReadonlyMap<string, Identity | undefined>): Generation['changes'] => [...m].map(([p, id]) => (id ? [p, id.mode, id.oid] : [p]));
      const gen: Generation = {
        changes: flat(changes),
        digests,
        listing: now.digest,
        overlay: [...overlay.keys()],
        indexed: [...this.indexDiff],
        sel: Object.fromEntries([...this.kept].filter(([, l]) => l.sel).map(([k, l]) => [k, flat(l.sel!)])),
        seeded: Object.fromEntries([...this.kept].filter(([, l]) => l.seeded).map(([k, l]) => [k, l.seeded!])),
      };
      writeJournal(`${this.file}.journal`, { v: this.v, base: this.base.sum, gens: [...this.gens, gen].slice(-KEEP_GENS) });
      return;
    }
    const raw = this.base && this.base.head.listing === now.digest ? this.base.buf.subarray(this.base.body, this.base.body + this.base.head.listingLen) : now.raw();
    const head: Omit<Head, 'crc'> = {
      v: this.v,
      source: this.snap.source,
      algo: this.snap.algo,
      listing: now.digest,
      listingLen: raw.length,
      overlay: [...overlay].map(([p, id]) => [p, id.mode, id.oid]),
      lists: {},
    };
    const parts: Buffer[] = [raw];
    for (const [k, { list, digest, seeded }] of this.kept) {
      const offsets = Buffer.from(list.offsets.buffer, list.offsets.byteOffset, list.offsets.byteLength);
      head.lists[k] = { digest, order: list.order, exotic: list.exotic, conflicts: list.conflicts, count: list.offsets.length, bytes: list.bytes.length, ...(seeded ? { seeded } : {}) };
      parts.push(list.bytes, offsets);
    }
    writeBase(this.file, head, parts);
  }
}
