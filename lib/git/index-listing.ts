/**
 * `git ls-files -s -z` output, read without parsing all of it. A cached hook
 * asks the index about a handful of paths (the staged files, the configs), yet
 * turning 50,000 records into strings and map entries costs more than git's
 * own read. git lists entries sorted by their name's bytes, so one path is
 * found by binary search over the raw bytes; the full parse happens only for
 * a caller that needs every entry.
 */
import { decodeBytes, encodeBytes } from './bytes.js';
import { parseStageEntries } from './ls-files.js';

export interface RawRecord {
  mode: string;
  oid: string;
  stage: string;
  /** The record's path as git's bytes. */
  path: Buffer;
}

const NUL = 0;
const TAB = 9;

/** The tags of entries git does not compare with the working tree: assume-unchanged, both, skip-worktree. */
const FLAG_TAGS = ['h', 's', 'S'];

/** What the snapshot asks of the index listing, whether git printed it or heph read the index file (index-file.ts). */
export interface Listing {
  /** `git ls-files -s -v -z` bytes, for a caller that needs every entry. */
  readonly raw: Buffer;
  /** Bytes that identify the listing's content: equal identities, equal listings. */
  identity(): Buffer;
  lookup(path: string): RawRecord[];
  flagged(goneUnder?: (path: string) => string | undefined): { assumed: string[]; skipped: string[] };
  firstOid(): string | undefined;
  endingWith(suffix: string): string[];
  /** Every entry in order, names decoded by `decodeBytes`, when the listing can give them without its `ls-files` bytes. */
  eachEntry?(fn: (mode: string, oid: string, stage: number, path: string) => void): void;
}

export class IndexListing implements Listing {
  constructor(readonly raw: Buffer) {}

  identity(): Buffer {
    return this.raw;
  }

  /** The record starting at `start` (the byte after a NUL, or 0), read by the one ls-files parser. */
  private record(start: number): RawRecord & { end: number } {
    const end = this.raw.indexOf(NUL, start);
    const stop = end === -1 ? this.raw.length : end;
    // latin1: one character per byte, so the path's length in characters is its length in bytes.
    const [e] = parseStageEntries(this.raw.toString('latin1', start, stop));
    return { mode: e.mode, oid: e.oid, stage: String(e.stage), path: this.raw.subarray(stop - e.path.length, stop), end: stop };
  }

  /**
   * The paths `ls-files -v` tags as assume-unchanged (`h`) or skip-worktree (`S`, `s` when both): git's
   * diff-files does not look at their working-tree files. Usually none, told by a native scan. A
   * sparse checkout flags every file it leaves out (tens of thousands): `goneUnder(path)` names the
   * missing directory (`dir/`) holding a skip-worktree path, and the paths after it under that
   * directory are passed over unread. Paths are git's bytes as latin1 strings (one char per byte).
   */
  flagged(goneUnder: (path: string) => string | undefined = () => undefined): { assumed: string[]; skipped: string[] } {
    const out = { assumed: [] as string[], skipped: [] as string[] };
    const tags = FLAG_TAGS.filter((t) => this.raw.indexOf(`\0${t} `, 0, 'latin1') !== -1 || this.raw.toString('latin1', 0, 2) === `${t} `);
    if (!tags.length) return out;
    const text = this.raw.toString('latin1');
    for (const tag of tags) {
      const needle = `\0${tag} `;
      const find = (from: number) => {
        const i = text.indexOf(needle, from);
        return i === -1 ? -1 : i + 1;
      };
      let gone: string | undefined;
      for (let start = text.startsWith(`${tag} `) ? 0 : find(0); start !== -1; ) {
        const end = text.indexOf('\0', start);
        const from = text.indexOf('\t', start) + 1;
        start = end === -1 ? -1 : find(end);
        if (tag === 'h') {
          out.assumed.push(text.slice(from, end === -1 ? text.length : end));
          continue;
        }
        if (gone !== undefined && text.startsWith(gone, from)) continue;
        const path = text.slice(from, end === -1 ? text.length : end);
        gone = goneUnder(path);
        if (gone === undefined) out.skipped.push(path);
      }
    }
    return out;
  }

  /** The first record's object id (its length tells the object format). */
  firstOid(): string | undefined {
    return this.raw.length ? this.record(0).oid : undefined;
  }

  /**
   * The records of one path (one, or up to three stages when unmerged), by
   * binary search: git sorts entries by name bytes, shorter name first on a
   * common prefix, which is Buffer.compare's order.
   */
  lookup(path: string): RawRecord[] {
    const want = encodeBytes(path);
    const raw = this.raw;
    let lo = 0;
    let hi = raw.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = mid === 0 ? 0 : raw.lastIndexOf(NUL, mid - 1) + 1;
      const rec = this.record(start);
      const cmp = Buffer.compare(rec.path, want);
      if (cmp === 0) return this.around(start, rec, want);
      if (cmp < 0) lo = rec.end + 1;
      else hi = start;
    }
    return [];
  }

  /** Every record of the path found at `start`: an unmerged path's stages sit next to each other. */
  private around(start: number, found: RawRecord & { end: number }, want: Buffer): RawRecord[] {
    const out: RawRecord[] = [];
    let s = start;
    while (s > 0) {
      const prev = s - 1 === 0 ? 0 : this.raw.lastIndexOf(NUL, s - 2) + 1;
      const rec = this.record(prev);
      if (!rec.path.equals(want)) break;
      out.unshift(rec);
      s = prev;
    }
    out.push(found);
    let next = found.end + 1;
    while (next < this.raw.length) {
      const rec = this.record(next);
      if (!rec.path.equals(want)) break;
      out.push(rec);
      next = rec.end + 1;
    }
    return out;
  }

  /** Decoded paths of the records whose name ends with `suffix` (a scan in native code, no parse). */
  endingWith(suffix: string): string[] {
    const needle = Buffer.concat([encodeBytes(suffix), Buffer.of(NUL)]);
    const out = new Set<string>();
    let at = this.raw.indexOf(needle);
    while (at !== -1) {
      const start = at === 0 ? 0 : this.raw.lastIndexOf(NUL, at - 1) + 1;
      const tab = this.raw.indexOf(TAB, start);
      // The match must lie within the path, not span the record's fields.
      if (tab !== -1 && tab < at) out.add(decodeBytes(this.raw.subarray(tab + 1, at + needle.length - 1)));
      at = this.raw.indexOf(needle, at + needle.length);
    }
    return [...out];
  }
}
