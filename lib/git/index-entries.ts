/**
 * The entries of git's index file (versions 2 to 4, SHA-1 or SHA-256),
 * located without making a string per entry, and the `git ls-files -s -v -z`
 * bytes they stand for. Used by index-file.ts, which reads the file.
 */
import { createHash } from 'node:crypto';
import { debug } from '../debug.js';
import { decodeBytes, encodeBytes } from './bytes.js';
import type { Listing, RawRecord } from './index-listing.js';

const log = debug('git');

const SIG = 0x44495243; // "DIRC"
const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const STAGE = 0x3000;
const SKIP_WORKTREE = 0x4000; // in the extended flags
const STAT_BYTES = 40;
const NON_ASCII = /[^\x00-\x7f]/;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const MODES = new Map([0o100644, 0o100755, 0o120000, 0o160000].map((m) => [m, m.toString(8)]));
const modeText = (m: number) => MODES.get(m) ?? m.toString(8).padStart(6, '0');

/**
 * The entries of an index file, located by one pass over their headers (no
 * strings made): a path is found by binary search, since git keeps entries
 * sorted by name bytes, and the `ls-files` bytes are written only for a
 * caller that needs every entry.
 */
export class IndexFile implements Listing {
  private text: Buffer | undefined;

  private constructor(
    private readonly buf: Buffer,
    private readonly oidLen: number,
    /** Entry i: its header at starts[i] in `buf`, its name at [names[i], ends[i]) in `paths`. */
    private readonly starts: Int32Array,
    private readonly paths: Buffer,
    private readonly names: Int32Array,
    private readonly ends: Int32Array,
    /** Entries git does not compare with the working tree (assume-unchanged, skip-worktree), not unmerged. */
    private readonly marked: number[],
    /** For a part of the index (`scoped`): the pathspecs that chose it, part of its identity. */
    private readonly scope: Buffer | null = null,
  ) {}

  /** The entries, when `buf` is an index with `oidLen`-byte ids that this reader understands; null otherwise. */
  static parse(buf: Buffer, oidLen: number): IndexFile | null {
    const len = buf.length;
    if (len < 12 + oidLen || buf.readUInt32BE(0) !== SIG) return null;
    const version = buf.readUInt32BE(4);
    if (version < 2 || version > 4) return null;
    const count = buf.readUInt32BE(8);
    const end = len - oidLen;
    if (count > (end - 12) / (STAT_BYTES + oidLen + 3)) return null;
    const starts = new Int32Array(count);
    const names = new Int32Array(count);
    const ends = new Int32Array(count);
    const marked: number[] = [];
    const flagsAt = STAT_BYTES + oidLen;
    // Version 4 stores each path as a suffix of the previous one: full paths are written out to `paths`.
    let paths = version === 4 ? Buffer.allocUnsafe(Math.max(4096, len)) : buf;
    let o = 0;
    let at = 12;
    for (let i = 0; i < count; i++) {
      if (at + flagsAt + 2 > end) return null;
      const mode = (buf[at + 24] << 24) | (buf[at + 25] << 16) | (buf[at + 26] << 8) | buf[at + 27];
      if (mode < 0 || mode > 0o177777) return null;
      const flags = (buf[at + flagsAt] << 8) | buf[at + flagsAt + 1];
      let p = at + flagsAt + 2;
      let ext = 0;
      if (flags & EXTENDED) {
        if (version < 3) return null;
        ext = (buf[p] << 8) | buf[p + 1];
        p += 2;
      }
      const nameLen = flags & 0xfff;
      if (version === 4) {
        // Bytes to drop from the end of the previous path, as git's offset varint.
        const prevLen = i ? ends[i - 1] - names[i - 1] : 0;
        let c = buf[p++];
        let drop = c & 127;
        while (c & 128 && drop <= prevLen) {
          c = buf[p++];
          drop = ((drop + 1) << 7) + (c & 127);
        }
        if (drop > prevLen || p >= end) return null;
        let nul = p;
        while (nul < end && buf[nul] !== 0) nul++;
        if (nul >= end) return null;
        const keep = prevLen - drop;
        if (o + keep + (nul - p) + 1 > paths.length) {
          const grown = Buffer.allocUnsafe(Math.max(paths.length * 2, o + keep + (nul - p) + 1));
          paths.copy(grown, 0, 0, o);
          paths = grown;
        }
        names[i] = o;
        // Byte loops: a native copy call per entry costs more than the few dozen bytes it moves.
        for (let k = i ? names[i - 1] : 0, e = k + keep; k < e; k++) paths[o++] = paths[k];
        for (let k = p; k < nul; k++) paths[o++] = buf[k];
        ends[i] = o;
        paths[o++] = 0;
        starts[i] = at;
        at = nul + 1;
      } else {
        let nul = p + nameLen;
        if (nameLen === 0xfff) while (nul < end && buf[nul] !== 0) nul++;
        if (nul >= end || buf[nul] !== 0) return null;
        starts[i] = at;
        names[i] = p;
        ends[i] = nul;
        // Each entry is padded with 1-8 NULs to a multiple of 8 bytes.
        at += (nul - at + 8) & ~7;
      }
      // The 12-bit length is exact below 0xFFF; at 0xFFF the name is at least that long.
      const pathLen = ends[i] - names[i];
      if (pathLen === 0 || (nameLen < 0xfff ? nameLen !== pathLen : pathLen < 0xfff)) return null;
      if ((flags & ASSUME_VALID || ext & SKIP_WORKTREE) && !(flags & STAGE)) marked.push(i);
    }
    if (at > end || !extensionsOk(buf, at, end)) return null;
    return new IndexFile(buf, oidLen, starts, version === 4 ? paths.subarray(0, o) : paths, names, ends, marked);
  }

  /** git's checksum of the file; with `index.skipHash` (all zeros) a SHA-1 of the file computed here. */
  identity(): Buffer {
    const sum = this.buf.subarray(this.buf.length - this.oidLen);
    const head = Buffer.from(`index ${this.oidLen}\0`);
    const tail = this.scope ? [Buffer.from('\0scope\0'), this.scope] : [];
    if (sum.some((b) => b !== 0)) return Buffer.concat([head, sum, ...tail]);
    return Buffer.concat([head, createHash('sha1').update(this.buf.subarray(0, this.buf.length - this.oidLen)).digest(), ...tail]);
  }

  /**
   * The entries `git ls-files -- <pathspecs>` would list, for the two forms a
   * commit's read scope uses (plan/scope.ts): `:(literal)<path>` (the path, or
   * everything under it) and `:(glob)**\/<name>` (a file of that name at any
   * depth). Found by binary search, since entries are sorted by name bytes.
   * Null for any other pathspec: git reads it.
   */
  scoped(pathspecs: readonly string[]): IndexFile | null {
    if (this.scope) return null;
    log(`index file listed -- ${pathspecs.join(' ')}`);
    const picked = new Set<number>();
    const range = (prefix: Buffer) => {
      // Every name starting with `prefix` sorts at or after it and before the prefix with its last byte raised.
      const upper = Buffer.from(prefix);
      upper[upper.length - 1]++;
      for (let i = this.lowerBound(prefix), stop = this.lowerBound(upper); i < stop; i++) picked.add(i);
    };
    for (const spec of pathspecs) {
      const literal = /^:\(literal\)(.+)$/s.exec(spec);
      const anywhere = /^:\(glob\)\*\*\/([^/*?[\]{}\\]+)$/s.exec(spec);
      if (literal) {
        const path = encodeBytes(literal[1]);
        if (path[path.length - 1] === 0x2f) {
          range(path);
          // git reads `dir/` as naming a submodule `dir` too (not a file or symlink of that name).
          const bare = path.subarray(0, path.length - 1);
          for (let i = this.lowerBound(bare); i < this.starts.length && this.path(i).equals(bare); i++) if (this.buf.readUInt32BE(this.starts[i] + 24) === 0o160000) picked.add(i);
        } else {
          for (let i = this.lowerBound(path); i < this.starts.length && this.path(i).equals(path); i++) picked.add(i);
          range(Buffer.concat([path, Buffer.of(0x2f)]));
        }
      } else if (anywhere) {
        const name = encodeBytes(anywhere[1]);
        for (let i = this.lowerBound(name); i < this.starts.length && this.path(i).equals(name); i++) picked.add(i);
        for (const i of this.indexesEndingWith(Buffer.concat([Buffer.of(0x2f), name]))) picked.add(i);
      } else return null;
    }
    const keep = Int32Array.from([...picked].sort((a, b) => a - b));
    const pick = (a: Int32Array) => keep.map((i) => a[i]);
    const at = new Map(Array.from(keep, (e, i) => [e, i]));
    const marked = this.marked.filter((i) => at.has(i)).map((i) => at.get(i)!);
    return new IndexFile(this.buf, this.oidLen, pick(this.starts), this.paths, pick(this.names), pick(this.ends), marked, Buffer.from(pathspecs.join('\0')));
  }

  /** The first entry whose name is not below `want` in git's order (byte order). */
  private lowerBound(want: Buffer): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.path(mid), want) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index file's bytes, as read. */
  get bytes(): Buffer {
    return this.buf;
  }

  /** How many entries. */
  get size(): number {
    return this.starts.length;
  }

  get raw(): Buffer {
    return (this.text ??= this.listing());
  }

  private flags(i: number): number {
    const at = this.starts[i] + STAT_BYTES + this.oidLen;
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  private extFlags(i: number): number {
    const at = this.starts[i] + STAT_BYTES + this.oidLen + 2;
    return this.flags(i) & EXTENDED ? (this.buf[at] << 8) | this.buf[at + 1] : 0;
  }

  /**
   * Every entry in order, names decoded as `decodeBytes` decodes git's listing. The names and ids are
   * cut from one latin1 and one hex string of the bytes the entries span (V8 keeps a slice as a view):
   * a native call per entry, or a loop over each byte, costs several times more before V8 optimises it.
   */
  eachEntry(fn: (mode: string, oid: string, stage: number, path: string) => void): void {
    const { buf, oidLen, starts, paths, names, ends } = this;
    const n = starts.length;
    if (!n) return;
    const idFrom = starts[0] + STAT_BYTES;
    const ids = buf.toString('hex', idFrom, starts[n - 1] + STAT_BYTES + oidLen);
    const nameFrom = names[0];
    const text = paths.toString('latin1', nameFrom, ends[n - 1]);
    for (let i = 0; i < n; i++) {
      const at = starts[i];
      const o = 2 * (at + STAT_BYTES - idFrom);
      const raw = text.slice(names[i] - nameFrom, ends[i] - nameFrom);
      // latin1 keeps one character per byte: a name with a byte past ASCII is decoded as git's listing would be.
      const path = NON_ASCII.test(raw) ? decodeBytes(this.path(i)) : raw;
      fn(modeText(buf.readUInt32BE(at + 24)), ids.slice(o, o + 2 * oidLen), (this.flags(i) & STAGE) >> 12, path);
    }
  }

  private path(i: number): Buffer {
    return this.paths.subarray(this.names[i], this.ends[i]);
  }

  private record(i: number): RawRecord {
    const at = this.starts[i];
    return {
      mode: modeText(this.buf.readUInt32BE(at + 24)),
      oid: this.buf.toString('hex', at + STAT_BYTES, at + STAT_BYTES + this.oidLen),
      stage: String((this.flags(i) & STAGE) >> 12),
      path: this.path(i),
    };
  }

  /** `<tag> <mode> <oid> <stage>\t<path>\0` per entry, as `ls-files -s -v -z` prints them. */
  private listing(): Buffer {
    const { buf, oidLen, starts, paths, names, ends } = this;
    let size = 0;
    for (let i = 0; i < starts.length; i++) size += 13 + 2 * oidLen + ends[i] - names[i];
    const out = Buffer.allocUnsafe(size);
    let o = 0;
    for (let i = 0; i < starts.length; i++) {
      const at = starts[i];
      const flags = this.flags(i);
      const stage = (flags & STAGE) >> 12;
      // M unmerged, S skip-worktree, H otherwise; lower case when assume-unchanged.
      const tag = stage ? 0x4d : this.extFlags(i) & SKIP_WORKTREE ? 0x53 : 0x48;
      out[o++] = flags & ASSUME_VALID ? tag + 0x20 : tag;
      out[o++] = 0x20;
      const mode = (buf[at + 24] << 24) | (buf[at + 25] << 16) | (buf[at + 26] << 8) | buf[at + 27];
      for (let s = 15; s >= 0; s -= 3) out[o++] = 0x30 + ((mode >>> s) & 7);
      out[o++] = 0x20;
      for (let k = at + STAT_BYTES, e = k + oidLen; k < e; k++) {
        out[o++] = HEX[buf[k] >> 4];
        out[o++] = HEX[buf[k] & 15];
      }
      out[o++] = 0x20;
      out[o++] = 0x30 + stage;
      out[o++] = 0x09;
      for (let k = names[i], e = ends[i]; k < e; k++) out[o++] = paths[k];
      out[o++] = 0;
    }
    return out;
  }

  lookup(path: string): RawRecord[] {
    const want = encodeBytes(path);
    const out: RawRecord[] = [];
    for (let i = this.lowerBound(want); i < this.starts.length && this.path(i).equals(want); i++) out.push(this.record(i));
    return out;
  }

  /** Whether any entry is one `flagged` lists (assume-unchanged or skip-worktree, not unmerged), without listing them. */
  anyFlagged(): boolean {
    return this.marked.length > 0;
  }

  flagged(goneUnder: (path: string) => string | undefined = () => undefined): { assumed: string[]; skipped: string[] } {
    const out = { assumed: [] as string[], skipped: [] as string[] };
    let gone: string | undefined;
    for (const i of this.marked) {
      const path = this.path(i).toString('latin1');
      if (!(this.extFlags(i) & SKIP_WORKTREE)) {
        out.assumed.push(path);
        continue;
      }
      if (gone !== undefined && path.startsWith(gone)) continue;
      gone = goneUnder(path);
      if (gone === undefined) out.skipped.push(path);
    }
    return out;
  }

  firstOid(): string | undefined {
    return this.starts.length ? this.record(0).oid : undefined;
  }

  endingWith(suffix: string): string[] {
    const out = new Set<string>();
    for (const i of this.indexesEndingWith(encodeBytes(suffix))) out.add(decodeBytes(this.path(i)));
    return [...out];
  }

  /** The entries whose name ends with `suffix` (a scan in native code, then a binary search per match). */
  private indexesEndingWith(suffix: Buffer): number[] {
    const needle = Buffer.concat([suffix, Buffer.of(0)]);
    const out: number[] = [];
    for (let at = this.paths.indexOf(needle); at !== -1; at = this.paths.indexOf(needle, at + 1)) {
      const nul = at + needle.length - 1;
      // The entry whose name ends at this NUL, if any: its name must hold the whole match.
      let lo = 0;
      let hi = this.ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.ends[mid] < nul) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.ends.length && this.ends[i] === nul && this.names[i] <= at; i++) out.push(i);
    }
    return out;
  }
}

/**
 * The extensions between the entries and the checksum. One whose signature
 * starts with a lower-case letter is one git requires a reader to understand
 * (`link`: split index, `sdir`: sparse index): not this one. The sizes must
 * add up to the checksum.
 */
function extensionsOk(buf: Buffer, at: number, end: number): boolean {
  while (at < end) {
    if (at + 8 > end) return false;
    const first = buf[at];
    if (first < 0x41 || first > 0x5a) return false;
    at += 8 + buf.readUInt32BE(at + 4);
  }
  return at === end;
}
