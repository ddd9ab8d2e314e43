/**
 * The replay record: what a cached pre-commit was decided by, and what it
 * printed (docs/caching.md, "Replaying a cached commit"). Written by the run
 * (replay/write.ts), read by the entry point before the rest of heph loads
 * (replay/verify.ts): only `node:fs` and `node:path` here.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the record's meaning changes: an older record is then never replayed. */
export const REPLAY_VERSION = 1;

/** A printed line: text, the age of a reused result (`{ a: recordedAt }`), or the run's duration (`{ ms: 1 }`). */
export type Part = string | { a: number } | { ms: 1 };

export interface ReplayRecord {
  v: number;
  /** heph's version and its bundle's digest, Node's version, platform and binary. */
  build: string;
  node: string;
  argv: string[];
  cwd: string;
  root: string;
  gitDir: string;
  commonDir: string;
  /** Digest of the environment (env.ts: what is left out and why). */
  env: string;
  /** Whether stdout was a terminal (colors). */
  tty: boolean;
  /** The index file git reads, its size and its last 32 bytes (its checksum). */
  index: { file: string; size: number; tail: string };
  /** git's listings the plan used: arguments and exact output (latin1). */
  git: { args: string[]; out: string }[];
  /** Files read from disk (path bytes as hex) and their identity when read. */
  files: { p: string; id: string }[];
  /**
   * In place of git's untracked list: the first line of this worktree's watch of the tree (`treeFile`),
   * which must be the same when the record is replayed.
   */
  tree?: string;
  /** The clock window in which every reused result is still fresh: [notBefore, expires). */
  notBefore: number;
  expires: number | null;
  minFreeMB: number;
  /** The lines printed, in order, on stdout. */
  lines: Part[][];
  /** The run history row (`heph stats`), without its time and duration. */
  run: Record<string, unknown>;
}

/** A directory's identity, from a plain lstat: cheaper than the bigint one, and a name added or removed changes its times. */
export const dirId = (st: { ino: number; mode: number; mtimeMs: number; ctimeMs: number }): string => `${st.ino}:${st.mode}:${st.mtimeMs}:${st.ctimeMs}`;

/** Whether git's arguments are the untracked list (what a watch of the tree can stand for). */
export const untrackedList = (args: readonly string[]): boolean => args[0] === 'ls-files' && args[1] === '-o';

/** A watch of the tree (replay/tree.ts): each directory git looks into (from the root, latin1) and its identity, and the ignore files and git's settings. */
export interface Watch {
  dirs: [string, string][];
  files: { p: string; id: string }[];
}

/**
 * Where a worktree's watch of the tree lives, apart from its record: a run that records again carries it
 * over by its first line, without reading it (replay/write.ts).
 */
export const treeFile = (hephDir: string, gitDir: string): string => recordFile(hephDir, gitDir).replace(/\.json$/, '.tree');

/** Where a worktree's record lives: one per worktree (they share heph's folder). */
export function recordFile(hephDir: string, gitDir: string): string {
  return join(hephDir, 'replay', `${digest(gitDir).slice(0, 16)}.json`);
}

/** Replayed runs waiting to be folded into the store's history (state/store.ts). */
export const journalFile = (hephDir: string): string => join(hephDir, 'replay', 'journal');

/** A record past this size is not kept (git's listings of many untracked files): the run is simply not replayed. */
export const MAX_RECORD_BYTES = 512 * 1024;

/** The journal is folded by every run that stores a result; past this size, a run folds it instead of a replay. */
export const MAX_JOURNAL_BYTES = 1024 * 1024;

/**
 * A 128-bit digest: four 32-bit lanes in the manner of MurmurHash3, over the
 * string's UTF-16 code units, in one pass. It only has to tell a changed
 * input from an unchanged one (and a damaged record from a sound one);
 * loading node:crypto would cost a replay ~3 ms.
 */
export function digest(text: string): string {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x85ebca6b | 0;
  let h3 = 0xc2b2ae35 | 0;
  let h4 = 0x27d4eb2f | 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(text.charCodeAt(i) + i, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 = h1 ^ k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = h2 ^ Math.imul(k, 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 9) + 0x38b34ae5) | 0;
    h3 = h3 ^ Math.imul(k, 0xc2b2ae35);
    h3 = (h3 << 11) | (h3 >>> 21);
    h3 = (Math.imul(h3, 7) + 0x52dce729) | 0;
    h4 = h4 ^ Math.imul(k ^ (k >>> 16), 0x27d4eb2f);
    h4 = (h4 << 19) | (h4 >>> 13);
    h4 = (Math.imul(h4, 3) + 0x0bcaa747) | 0;
  }
  return [h1, h2, h3, h4].map((h) => fmix(h ^ n).toString(16).padStart(8, '0')).join('');
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Variables left out of the environment's digest: they change from one
 * commit to the next and nothing heph decides reads them (a check that
 * declares one in `env` is never replayed). git sets the dates for every
 * commit's hooks; the shell sets `_` and `OLDPWD`; `HEPH_NOW` is the replay's
 * clock; `HEPH_REPLAY` only says whether to replay; hyperfine pads the
 * environment with a variable of random length on every run.
 */
export const VOLATILE_ENV = ['_', 'OLDPWD', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'HEPH_NOW', 'HEPH_DEBUG', 'HEPH_REPLAY', 'HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET'];

export function envDigest(env: NodeJS.ProcessEnv): string {
  const keys = Object.keys(env)
    .filter((k) => !VOLATILE_ENV.includes(k))
    .sort();
  return digest(keys.map((k) => `${k}=${env[k]}`).join('\0'));
}

/** `size:tail` of the index file: its length and its last 32 bytes (git's checksum of everything before). */
export function indexTail(file: string): { size: number; tail: string } | null {
  if (!file) return null;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(32, size);
    const buf = Buffer.alloc(n);
    if (readSync(fd, buf, 0, n, size - n) !== n) return null;
    return { size, tail: buf.toString('hex') };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text, at most `max` bytes; null for anything else (a FIFO must not stall a commit). */
export function readSmallFile(file: string, max: number): string | null {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return null;
    const buf = Buffer.alloc(st.size);
    return readSync(fd, buf, 0, st.size, 0) === st.size ? buf.toString('utf8') : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Heph's build, Node's version, the platform and Node's own binary: a record of another is never replayed. */
export function nodeId(): string {
  return `${process.version} ${process.platform} ${process.arch} ${process.execPath}`;
}

/** The record's text: its fields and a digest of them, so a damaged file is recognised. */
/**
 * The record's text: a first line naming the format, the body's length and its CRC-32 (zlib's, native: a
 * damaged file is recognised without hashing tens of kilobytes in JavaScript), then the body.
 */
export async function seal(record: ReplayRecord): Promise<string> {
  // The index's size and checksum first, outside the JSON: a commit on a new index (the usual miss) is told at once.
  const body = `${indexKey(record.index)}\n${JSON.stringify(record)}`;
  return `${await header(body)}\n${body}`;
}

export const indexKey = (index: { size: number; tail: string }): string => `${index.size}:${index.tail}`;

/** The index key a record's text names (second line), before anything is parsed or checked; null if none. */
export function keyOf(text: string): string | null {
  const a = text.indexOf('\n');
  const b = a < 0 ? -1 : text.indexOf('\n', a + 1);
  return b < 0 ? null : text.slice(a + 1, b);
}

const header = async (body: string, kind = 'heph-replay') => `${kind} ${REPLAY_VERSION} ${body.length} ${(await crc32(body)).toString(16)}`;

let table: Int32Array | undefined;

/**
 * CRC-32 of the text's UTF-8 bytes. A record of a few kilobytes (the usual) is summed here, in less time
 * than loading zlib takes (~1.5 ms); a larger one by zlib, whose sum is the same.
 */
export async function crc32(text: string): Promise<number> {
  if (text.length > 16 * 1024) return (await import('node:zlib')).crc32(text);
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  const bytes = Buffer.from(text, 'utf8');
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export async function unseal(text: string): Promise<ReplayRecord | null> {
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  if (nl < 0 || text.slice(0, nl) !== (await header(body))) return null;
  try {
    const r = JSON.parse(body.slice(body.indexOf('\n') + 1)) as ReplayRecord;
    return r && r.v === REPLAY_VERSION && body.startsWith(`${indexKey(r.index)}\n`) ? r : null;
  } catch {
    return null;
  }
}

/** The first word of a watch's first line (a record's is `heph-replay`). */
export const WATCH_KIND = 'heph-replay-tree';

/** A watch's text, sealed as a record is (its first line names its length and CRC-32). */
export async function sealWatch(w: Watch): Promise<string> {
  const body = JSON.stringify(w);
  return `${await header(body, WATCH_KIND)}\n${body}`;
}

export async function unsealWatch(text: string, expected: string): Promise<Watch | null> {
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  if (nl < 0 || text.slice(0, nl) !== expected || expected !== (await header(body, WATCH_KIND))) return null;
  try {
    const w = JSON.parse(body) as Watch;
    return Array.isArray(w?.dirs) && Array.isArray(w.files) ? w : null;
  } catch {
    return null;
  }
}

/** A printed line with its ages and duration filled in. */
export function render(parts: Part[], now: number, ms: number, duration: (ms: number) => string): string {
  return parts.map((p) => (typeof p === 'string' ? p : 'a' in p ? `cached ${duration(Math.max(0, now - p.a))} ago` : ` in ${duration(ms)}`)).join('');
}
