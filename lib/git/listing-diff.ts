/**
 * The paths whose records differ between two `git ls-files -s -v -z`
 * listings. A new commit changes a handful of a 50,000-entry index; comparing
 * the listings entry by entry in JavaScript costs what reading them costs.
 * Both are sorted by name bytes and a record ends at its NUL (a name holds
 * none), so equal halves are told by one native comparison and the search
 * narrows on the halves that differ: O(changed × log entries) comparisons.
 */
import { decodeBytes } from './bytes.js';

const NUL = 0;
const TAB = 9;
/** Below this many bytes a range is parsed instead of split further. */
const SMALL = 2048;

/** The path bytes of the record starting at `start` (after the header's tab). */
function pathAt(buf: Buffer, start: number): [from: number, to: number] {
  const end = buf.indexOf(NUL, start);
  const stop = end === -1 ? buf.length : end;
  return [buf.indexOf(TAB, start) + 1, stop];
}

/** The start of the first record in [lo, hi) whose path is not below `key` (records sorted, `lo` a record start). */
function lowerBound(buf: Buffer, lo: number, hi: number, key: Buffer): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const start = mid <= a ? a : buf.lastIndexOf(NUL, mid - 1) + 1;
    const s = start < a ? a : start;
    const [from, to] = pathAt(buf, s);
    const end = to + 1;
    if (Buffer.compare(buf.subarray(from, to), key) < 0) a = end;
    else b = s;
  }
  return a;
}

/** Decoded path → its records' bytes (every stage, tag included), for the small ranges compared record by record. */
function records(buf: Buffer, lo: number, hi: number): Map<string, string> {
  const out = new Map<string, string>();
  let s = lo;
  while (s < hi) {
    const [from, to] = pathAt(buf, s);
    const path = decodeBytes(buf.subarray(from, to));
    out.set(path, `${out.get(path) ?? ''}${buf.toString('latin1', s, from)}|`);
    s = to + 1;
  }
  return out;
}

/**
 * Paths (decoded as `decodeBytes` does) added, removed or changed between
 * listing `a` and listing `b` (any field: mode, id, stage, the `-v` tag).
 */
export function changedPaths(a: Buffer, b: Buffer): string[] {
  const out: string[] = [];
  const walk = (a0: number, a1: number, b0: number, b1: number): void => {
    if (a1 - a0 === b1 - b0 && a.compare(b, b0, b1, a0, a1) === 0) return;
    if (a1 - a0 <= SMALL || b1 - b0 <= SMALL) {
      const ra = records(a, a0, a1);
      const rb = records(b, b0, b1);
      for (const [p, r] of rb) if (ra.get(p) !== r) out.push(p);
      for (const p of ra.keys()) if (!rb.has(p)) out.push(p);
      return;
    }
    // Split both at the path of b's middle record: the records of one path (its stages) stay together.
    const mid = (b0 + b1) >>> 1;
    const start = b.lastIndexOf(NUL, mid - 1) + 1;
    const [from, to] = pathAt(b, start < b0 ? b0 : start);
    const key = Buffer.from(b.subarray(from, to));
    const bs = lowerBound(b, b0, b1, key);
    const as = lowerBound(a, a0, a1, key);
    if (bs === b0 && as === a0) {
      // The split would not narrow (the first path of b's range): peel that path's records off instead.
      let be = bs;
      while (be < b1) {
        const [f, t] = pathAt(b, be);
        if (Buffer.compare(b.subarray(f, t), key) !== 0) break;
        be = t + 1;
      }
      let ae = as;
      while (ae < a1) {
        const [f, t] = pathAt(a, ae);
        if (Buffer.compare(a.subarray(f, t), key) !== 0) break;
        ae = t + 1;
      }
      if (ae - as !== be - bs || a.compare(b, bs, be, as, ae) !== 0) out.push(decodeBytes(key));
      walk(ae, a1, be, b1);
      return;
    }
    walk(a0, as, b0, bs);
    walk(as, a1, bs, b1);
  };
  walk(0, a.length, 0, b.length);
  return out;
}
