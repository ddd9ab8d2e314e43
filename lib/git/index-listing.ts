/**
 * `git ls-files -s -z` output, read without parsing all of it. A cached hook
 * asks the index about a handful of paths (the staged files, the configs), yet
 * turning 50,000 records into strings and map entries costs more than git's
 * own read. git lists entries sorted by their name's bytes, so one path is
 * found by binary search over the raw bytes; the full parse happens only for
 * a caller that needs every entry.
 */
import { decodeBytes, encodeBytes } from './bytes.js';

export interface RawRecord {
  mode: string;
  oid: string;
  stage: string;
  /** The record's path as git's bytes. */
  path: Buffer;
}

const NUL = 0;
const TAB = 9;
const SPACE = 32;

/** `ls-files -v` puts a one-letter tag and a space before a record; a bare record starts with its mode's digits. */
const FLAG_TAGS = ['h', 's', 'S'];
const tagged = (raw: Buffer, start: number) => raw[start] > 0x40 && raw[start + 1] === SPACE;

export class IndexListing {
  constructor(readonly raw: Buffer) {}

  /** The record starting at `start` (the byte after a NUL, or 0). */
  private record(start: number): RawRecord & { end: number } {
    const end = this.raw.indexOf(NUL, start);
    const stop = end === -1 ? this.raw.length : end;
    const tab = this.raw.indexOf(TAB, start);
    const at = tagged(this.raw, start) ? start + 2 : start;
    const sp1 = this.raw.indexOf(SPACE, at);
    const sp2 = this.raw.indexOf(SPACE, sp1 + 1);
    return {
      mode: this.raw.toString('latin1', at, sp1),
      oid: this.raw.toString('latin1', sp1 + 1, sp2),
      stage: this.raw.toString('latin1', sp2 + 1, tab),
      path: this.raw.subarray(tab + 1, stop),
      end: stop,
    };
  }

  /**
   * The paths `ls-files -v` tags as assume-unchanged (lowercase) or skip-worktree (`S`): git's
   * diff-files does not look at their working-tree files. Usually none, told by a native scan; a
   * sparse checkout flags every file it leaves out (tens of thousands), read then from one string.
   * Paths are git's bytes as latin1 strings (one char per byte), decoded by the caller if needed.
   */
  flagged(): { path: string; tag: string }[] {
    const tags = FLAG_TAGS.filter((t) => this.raw.indexOf(`\0${t} `, 0, 'latin1') !== -1 || this.raw.toString('latin1', 0, 2) === `${t} `);
    if (!tags.length) return [];
    const text = this.raw.toString('latin1');
    const out: { path: string; tag: string }[] = [];
    for (const tag of tags) {
      const needle = `\0${tag} `;
      const find = (from: number) => {
        const i = text.indexOf(needle, from);
        return i === -1 ? -1 : i + 1;
      };
      for (let start = text.startsWith(`${tag} `) ? 0 : find(0); start !== -1; ) {
        const end = text.indexOf('\0', start);
        out.push({ path: text.slice(text.indexOf('\t', start) + 1, end === -1 ? text.length : end), tag });
        start = end === -1 ? -1 : find(end);
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
