/**
 * An input list as the bytes its digest is taken over: one record
 * `path\0mode oid\n` per input, in the list's order (InputHasher.listDigest).
 * Kept between runs with the offset of each record (a name may hold a
 * newline, so records cannot be found by scanning back), a list is updated
 * for a few changed paths by splicing their records in, and its digest is one
 * native SHA-256 over the bytes: the same value a from-scratch listing gives,
 * at the cost of copying bytes rather than walking every path in JavaScript.
 */
import { createHash } from 'node:crypto';
import { decodeBytes, encodeBytes } from '../git/bytes.js';
import type { Identity } from '../git/snapshot.js';

/**
 * How the paths are sorted: `git` by name bytes (the index's order, a list of
 * tracked files only), `js` by UTF-16 code units (`Array#sort`, a list with
 * untracked files). They agree unless a name holds a character at or above
 * U+D800 (a name outside the Basic Multilingual Plane, or bytes that are not UTF-8).
 */
export type ListOrder = 'git' | 'js';

export interface InputList {
  bytes: Buffer;
  /** The bytes in pieces, when a patch has not joined them yet (hashing needs no copy). */
  chunks?: readonly Buffer[];
  /** Where each record starts in `bytes`. */
  offsets: Int32Array;
  order: ListOrder;
  /** Records whose path sorts differently in the two orders. */
  exotic: number;
  /** Records of unmerged paths (such a list is not cacheable). */
  conflicts: number;
}

const EXOTIC = /[\uD800-\uFFFF]/;
const CONFLICT_MARK = Buffer.from('\0conflict ', 'latin1');

/** The path as hashed (fingerprint.ts keyPath); passed in to keep this module below fingerprint.ts. */
export type KeyPath = (p: string) => string;

export const recordOf = (keyPath: KeyPath, path: string, id: Identity): string => `${keyPath(path)}\0${id.mode} ${id.oid}\n`;

/** The list of `paths` already ordered, with `id` giving each one's identity. */
export function buildList(paths: readonly string[], id: (p: string) => Identity, keyPath: KeyPath, order: ListOrder): InputList {
  const parts: string[] = [];
  let exotic = 0;
  let conflicts = 0;
  for (const p of paths) {
    const i = id(p);
    if (i.mode === 'conflict') conflicts++;
    if (EXOTIC.test(p)) exotic++;
    parts.push(recordOf(keyPath, p, i));
  }
  const bytes = Buffer.from(parts.join(''), 'utf8');
  const offsets = new Int32Array(paths.length);
  for (let r = 0, at = 0; r < paths.length; r++) {
    offsets[r] = at;
    at = bytes.indexOf(10, bytes.indexOf(0, at)) + 1;
  }
  return { bytes, offsets, order, exotic, conflicts };
}

/** The path of record `r`, decoded back from its hashed form (keyPath: `\x01` and hex for a name with raw bytes). */
function pathOf(list: InputList, r: number): string {
  const start = list.offsets[r];
  const nul = list.bytes.indexOf(0, start);
  const key = list.bytes.toString('utf8', start, nul);
  return key.startsWith('\x01') ? decodeBytes(Buffer.from(key.slice(1), 'hex')) : key;
}

const compareGit = (a: string, b: string) => Buffer.compare(encodeBytes(a), encodeBytes(b));
const compareJs = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first record whose path is not below `path`. */
function lowerBound(list: InputList, path: string, cmp: (a: string, b: string) => number): number {
  let lo = 0;
  let hi = list.offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(pathOf(list, mid), path) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The identity recorded for `path` in a list in `git` order, if it holds the path. */
export function findRecord(list: InputList, path: string): Identity | undefined {
  const at = lowerBound(list, path, list.order === 'git' ? compareGit : compareJs);
  if (at >= list.offsets.length || pathOf(list, at) !== path) return undefined;
  const nul = list.bytes.indexOf(0, list.offsets[at]);
  const [mode, oid] = list.bytes.toString('utf8', nul + 1, list.bytes.indexOf(10, nul)).split(' ');
  return { mode, oid };
}

/**
 * The list with each changed path's record replaced (identity given), added
 * (it was not in the list) or removed (identity undefined), sorted in
 * `order`; null when the stored order cannot be trusted for it (a name that
 * sorts differently in the two orders, and the order changed).
 */
export function patchList(list: InputList, changes: ReadonlyMap<string, Identity | undefined>, order: ListOrder, keyPath: KeyPath): InputList | null {
  if (order !== list.order && list.exotic > 0) return null;
  const cmp = order === 'git' ? compareGit : compareJs;
  const paths = [...changes.keys()].sort(cmp);
  const chunks: Buffer[] = [];
  const offsets = new Int32Array(list.offsets.length + paths.length);
  let n = 0; // records written so far
  let exotic = list.exotic;
  let conflicts = list.conflicts;
  let r = 0; // next old record to copy
  let out = 0; // bytes written so far
  const copyUpTo = (end: number) => {
    if (end <= r) return;
    const from = list.offsets[r];
    const to = end < list.offsets.length ? list.offsets[end] : list.bytes.length;
    const shift = out - from;
    const src = list.offsets;
    for (let k = r; k < end; k++) offsets[n++] = src[k] + shift;
    chunks.push(list.bytes.subarray(from, to));
    out += to - from;
    r = end;
  };
  for (const p of paths) {
    const at = lowerBound(list, p, cmp);
    if (at < r) return null; // not sorted in `order`: never for a list this module wrote
    copyUpTo(at);
    if (r < list.offsets.length && pathOf(list, r) === p) {
      const nul = list.bytes.indexOf(0, list.offsets[r]);
      if (list.bytes.compare(CONFLICT_MARK, 0, CONFLICT_MARK.length, nul, nul + CONFLICT_MARK.length) === 0) conflicts--;
      if (EXOTIC.test(p)) exotic--;
      r++;
    }
    const id = changes.get(p);
    if (id) {
      const rec = Buffer.from(recordOf(keyPath, p, id), 'utf8');
      offsets[n++] = out;
      chunks.push(rec);
      out += rec.length;
      if (id.mode === 'conflict') conflicts++;
      if (EXOTIC.test(p)) exotic++;
    }
  }
  copyUpTo(list.offsets.length);
  let joined: Buffer | undefined;
  return {
    get bytes() {
      return (joined ??= Buffer.concat(chunks, out));
    },
    chunks,
    offsets: offsets.subarray(0, n),
    order,
    exotic,
    conflicts,
  };
}

/** The digest InputHasher.listDigest gives for the same records and seed. */
export function listDigest(list: InputList, seed: string): string {
  const h = createHash('sha256').update(seed);
  for (const c of list.chunks ?? [list.bytes]) h.update(c);
  return h.digest('hex');
}

/** Every path of the list, decoded. */
export function listPaths(list: InputList): string[] {
  const out: string[] = [];
  for (let r = 0; r < list.offsets.length; r++) out.push(pathOf(list, r));
  return out;
}
