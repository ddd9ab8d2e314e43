/**
 * A content snapshot of the repository, read from git's index instead of the
 * files: the index already knows every tracked file's blob id, and `diff-files`
 * (which applies git's racy-stat checks) names the few that differ on disk.
 * Only those, and untracked files a check asks about, are hashed here.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gitParallel, splitZ } from './exec.js';
import { decodeBytes, encodeBytes, fsPath } from './bytes.js';
import { IndexListing, type Listing } from './index-listing.js';
import { afterTask, indexFilePath, indexStamp, readIndexFile, sameStamp, type IndexStamp } from './index-file.js';
import { openIndex, readFacts, RememberedIndex } from './index-facts.js';
import type { IndexFile } from './index-entries.js';
import { eachStageEntry } from './ls-files.js';
import { submoduleIdentity } from './submodule.js';
import { observeFile, observeGit, observeHead } from '../replay/observe.js';

/** Content identity of one path: git file mode and blob id (or a marker). */
export interface Identity {
  mode: string;
  oid: string;
}

export type SnapshotSource = 'worktree' | 'index';

export interface Snapshot {
  source: SnapshotSource;
  root: string;
  /** The repository's object format, for hashing files as git would. */
  algo: 'sha1' | 'sha256';
  /** Tracked paths (sorted, as git lists them); reading it parses the whole index listing. */
  readonly tracked: string[];
  /** Untracked, non-ignored paths. */
  untracked: string[];
  /** The staged files a commit adds, copies, modifies or renames, when asked for (pre-commit). */
  staged?: string[];
  /** Paths with unmerged index entries; results that depend on them are not cached. */
  readonly conflicted: Set<string>;
  /** Tracked paths missing from the working tree (worktree source only). */
  isDeleted(path: string): boolean;
  /** The content identity of a tracked or untracked path as a check would see it. */
  identity(path: string): Identity;
  /** Whether the index lists this path (in any stage), without parsing the whole listing. */
  has(path: string): boolean;
  /** Tracked paths ending with `suffix`, without parsing the whole listing. */
  trackedEndingWith(suffix: string): string[];
  /**
   * One digest of everything the snapshot says about content: the index
   * listing, and each changed and untracked path with its identity. Equal keys,
   * equal input digests (state/digest-memo.ts). null when too many files would
   * have to be hashed to tell.
   */
  contentKey(): string | null;
  /** Index entries marked assume-unchanged (paths as git's bytes in latin1 strings): git's diff does not name them when edited. */
  assumeUnchanged(): { path: string; mode: string; oid: string }[];
  /** Keeps what this run asked of the index for the next (index-facts.ts); a dry run does not call it. */
  remember?(): void;
  /** The index's own entry for a path (CONFLICT for an unmerged one), whatever is on disk. */
  indexIdentity?(path: string): Identity | undefined;
  /** The whole index's listing (`ls-files -s -v -z` bytes, read on demand) and its SHA-256; absent for a part of the index (pathspecs). */
  indexListing?(): { digest: string; raw(): Buffer };
  /** Each changed and untracked path with its identity; null when the snapshot has no content key (too many to hash). */
  overlay?(): Map<string, Identity> | null;
}

const DELETED: Identity = { mode: '0', oid: 'deleted' };
const CONFLICT: Identity = { mode: 'conflict', oid: 'conflict' };

/** The snapshot's view of `git ls-files -s -z` (decoded names): entries, their order, and the unmerged paths. */
export function parseStage(out: string): { entries: Map<string, Identity>; order: string[]; conflicted: Set<string> } {
  return collectStage((fn) => eachStageEntry(out, fn));
}

/** The snapshot's view of index entries, whoever lists them (git's output, the index file). */
export function collectStage(each: (fn: (mode: string, oid: string, stage: number, path: string) => void) => void): ReturnType<typeof parseStage> {
  const entries = new Map<string, Identity>();
  const order: string[] = [];
  const conflicted = new Set<string>();
  each((mode, oid, stage, path) => {
    if (stage === 0) {
      order.push(path);
      entries.set(path, { mode, oid });
    } else if (!conflicted.has(path)) {
      order.push(path);
      conflicted.add(path);
      entries.set(path, CONFLICT);
    }
  });
  return { entries, order, conflicted };
}

/** The object format a blob id is written in (64 hex digits: SHA-256). */
export const algoOf = (oid: string): 'sha1' | 'sha256' => (oid.length === 64 ? 'sha256' : 'sha1');

/** The git blob id of some bytes, in the repository's object format. */
export function blobId(content: Buffer, algo: 'sha1' | 'sha256'): string {
  return createHash(algo).update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Hashes a file on disk as git would store it; a missing file is `deleted`. */
export function hashWorktreeFile(root: string, path: string, algo: 'sha1' | 'sha256'): Identity {
  const abs = fsPath(join(root, path));
  // Before the content: a later change must show in the identity a replay compares (replay/observe.ts).
  observeFile(abs);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return DELETED;
  }
  if (st.isSymbolicLink()) return { mode: '120000', oid: blobId(readlinkSync(abs, { encoding: 'buffer' }), algo) };
  if (st.isDirectory()) return submoduleIdentity(typeof abs === 'string' ? abs : join(root, path), algo) ?? { mode: '040000', oid: `dir:${st.mtimeMs}:${st.ctimeMs}` };
  const mode = st.mode & 0o111 ? '100755' : '100644';
  return { mode, oid: blobId(readFileSync(abs), algo) };
}

export interface SnapshotOptions {
  root: string;
  source: SnapshotSource;
  /** Also list untracked, non-ignored files. @default true */
  untracked?: boolean;
  /** Also list the staged files (same git spawn). @default false */
  staged?: boolean;
  /** Only these pathspecs (git's syntax, magic included), for every list above; default: the whole tree. */
  pathspecs?: readonly string[];
  /** The worktree's git dir: the index file is then read here rather than listed by git (index-file.ts). */
  gitDir?: string;
  /** heph's folder: what runs ask of the index is remembered there by the index's checksum (index-facts.ts). */
  factsDir?: string;
}

/** The staged files a commit adds, copies, modifies or renames (not deletions). */
export const STAGED_ARGS = ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames', '--ignore-submodules=all'];

/** Untracked and changed files beyond this many: no content key (hashing them all would cost more than it saves). */
const KEY_LIMIT = 2000;
/**
 * Bytes of changed and untracked files hashed for a content key at most. The key hashes them all,
 * read by a check or not: a large untracked file (a dump, a video) would be read on every run that
 * before read only what its checks read. Past this, no key.
 */
const KEY_BYTES = 16 * 1024 * 1024;

/**
 * Presence on disk of paths given as git's bytes in latin1 strings. A sparse checkout leaves whole
 * directories out: `goneUnder` names the topmost missing directory holding a path (`dir/`), one lstat
 * per directory, so that everything under it is passed over.
 */
function onDisk(root: string): { there(rel: string): boolean; goneUnder(path: string): string | undefined } {
  const base = encodeBytes(`${root}/`);
  const there = (rel: string) => {
    try {
      lstatSync(Buffer.concat([base, Buffer.from(rel, 'latin1')]));
      return true;
    } catch {
      return false;
    }
  };
  const parent = (p: string) => p.slice(0, Math.max(p.lastIndexOf('/'), 0));
  const dirs = new Map<string, boolean>([['', true]]);
  const dirThere = (d: string): boolean => {
    let ok = dirs.get(d);
    if (ok === undefined) dirs.set(d, (ok = dirThere(parent(d)) && there(d)));
    return ok;
  };
  return {
    there,
    goneUnder(path) {
      let dir = parent(path);
      if (dirThere(dir)) return undefined;
      while (!dirThere(parent(dir))) dir = parent(dir);
      return `${dir}/`;
    },
  };
}

/** Whether the regular files among `paths` (unhashed yet) hold at most KEY_BYTES together. */
function withinBytes(root: string, paths: string[]): boolean {
  let total = 0;
  for (const p of paths) {
    try {
      total += lstatSync(fsPath(join(root, p))).size;
    } catch {
      // gone: hashed as deleted, nothing to read
    }
    if (total > KEY_BYTES) return false;
  }
  return true;
}

/** `ls-files -s -v`: -v tags the entries git itself does not compare with the working tree (assume-unchanged, skip-worktree). */
const LISTING_ARGS = ['ls-files', '-s', '-v', '-z'];

/**
 * How the index is read: its file, and its stamp before git starts (git's own
 * reads of the index then happen while it is that same file, which the stamp
 * is checked for once they are done). With heph's folder at hand and the
 * whole tree asked for, what runs asked of this very file may be remembered
 * (index-facts.ts): then nothing of it is read; if not, git lists it beside
 * its other reads and the answers are remembered for the next run. Otherwise
 * (a scope's pathspecs, an index without a checksum) it is read here. None on
 * Windows, where this reader is not tested.
 */
interface IndexPlan {
  file: string;
  stamp: IndexStamp;
  /** What was remembered of this index file, if anything. */
  remembered: RememberedIndex | null;
  /** For an index file met for the first time: reads it here while git lists it (`probe`), then keeps what git's listing answers. */
  probe: (() => void) | null;
  learn: ((listing: Listing) => RememberedIndex | null) | null;
  /** Lets go of the file (the snapshot is read again from git). */
  discard(): void;
}

function indexToRead(opts: SnapshotOptions): IndexPlan | null {
  if (!opts.gitDir || process.platform === 'win32') return null;
  const file = indexFilePath(opts.root, opts.gitDir);
  const opened = opts.factsDir !== undefined && !opts.pathspecs ? openIndex(file) : null;
  if (opened) {
    const memo = readFacts(opts.factsDir ?? null);
    const remembered = RememberedIndex.recall(opened, file, memo);
    let probed: IndexFile | null | undefined;
    const probe = () => void (probed ??= RememberedIndex.probe(opened, file));
    const learn = (l: Listing) => (probe(), RememberedIndex.learn(opened, file, memo, l, probed ?? null));
    return { file, stamp: opened.stamp, remembered, probe: remembered ? null : probe, learn: remembered ? null : learn, discard: () => (remembered ? remembered.close() : closeSync(opened.fd)) };
  }
  const stamp = indexStamp(file);
  return stamp ? { file, stamp, remembered: null, probe: null, learn: null, discard: () => {} } : null;
}

/** Reads the snapshot with at most three git calls, run in parallel (four when git lists the index). */
export async function readSnapshot(opts: SnapshotOptions): Promise<Snapshot> {
  const { root, source } = opts;
  const cwd = root;
  const env = { GIT_OPTIONAL_LOCKS: '0' };
  const index = indexToRead(opts);
  const gitLists = !index || !!index.learn;
  const withSpecs = (c: string[]) => (opts.pathspecs ? [...c, '--', ...opts.pathspecs] : c);
  const commands = [
    ...(gitLists ? [LISTING_ARGS] : []),
    // --ignore-submodules=none: a user's diff.ignoreSubmodules must not hide a dirty submodule.
    ...(source === 'worktree' ? [['diff-files', '--name-only', '-z', '--ignore-submodules=none']] : []),
    ...(opts.untracked === false ? [] : [['ls-files', '-o', '--exclude-standard', '-z']]),
    ...(opts.staged ? [STAGED_ARGS] : []),
  ].map(withSpecs);
  // What the staged list depends on besides the index, taken before git reads it (replay/observe.ts).
  if (opts.staged && opts.gitDir) observeHead(opts.gitDir);
  const pending = gitParallel(commands, { cwd, env });
  // Read while git works: the file is in the page cache, and reading it costs less than git printing it.
  const read = index && !gitLists && !index.remembered ? await afterTask(() => readIndexFile(index.file)) : null;
  if (index?.probe) await afterTask(index.probe);
  const results = await pending;
  // Every list but the index's own (the index file's checksum stands for that one).
  commands.forEach((c, i) => (c[0] === 'ls-files' && c[1] === '-s' ? undefined : observeGit(c, results[i].stdout)));
  const listed = gitLists ? new IndexListing(results.shift()!.stdout) : null;
  if (index && (!sameStamp(indexStamp(index.file), index.stamp) || (read && !sameStamp(read.stamp, index.stamp)))) {
    // Rewritten while git read it: read everything again, from git alone.
    index.discard();
    return readSnapshot({ ...opts, gitDir: undefined });
  }
  let listing: Listing | null = index?.remembered ?? (listed && index?.learn ? (index.learn(listed) ?? listed) : listed);
  if (read) listing = opts.pathspecs ? read.listing.scoped(opts.pathspecs) : read.listing;
  if (!listing) {
    // A format this reader leaves to git (split or sparse index, an unknown version), or pathspecs it does not read.
    listing = new IndexListing((await gitParallel([withSpecs(LISTING_ARGS)], { cwd, env }))[0].stdout);
    // Listed after the stamp was checked: the same file must still be there, or git's lists are of two indexes.
    if (index && !sameStamp(indexStamp(index.file), index.stamp)) return readSnapshot({ ...opts, gitDir: undefined });
  }
  const snapshot = fromListing(opts, results, listing);
  if (listing instanceof RememberedIndex) {
    const remembered = listing;
    snapshot.remember = () => remembered.save();
  }
  return snapshot;
}

/** The snapshot of a listing and git's other lists (the changed files, the untracked files, the staged files, in that order). */
function fromListing(opts: SnapshotOptions, results: { stdout: Buffer }[], listing: Listing): Snapshot {
  const { root, source } = opts;
  const stagedNames = opts.staged ? splitZ(results.pop()!.stdout) : undefined;
  const dirty = source === 'worktree' ? results[0] : null;
  const untracked = opts.untracked === false ? null : results[results.length - 1];
  const dirtySet = new Set(dirty ? splitZ(dirty.stdout) : []);
  // diff-files says nothing of a file git is told not to look at, yet a check reads what is on disk: it
  // is hashed like a changed one. A skip-worktree file absent from disk is a sparse checkout's, not a deletion.
  if (dirty) {
    const disk = onDisk(root);
    const { assumed, skipped } = listing.flagged(disk.goneUnder);
    const decode = (latin1: string) => decodeBytes(Buffer.from(latin1, 'latin1'));
    for (const p of assumed) dirtySet.add(decode(p));
    for (const p of skipped) if (disk.there(p)) dirtySet.add(decode(p));
  }
  const untrackedList = untracked ? splitZ(untracked.stdout) : [];
  const first = listing.firstOid();
  const algo = first ? algoOf(first) : 'sha1';
  const hashed = new Map<string, Identity>();
  // Parsing every entry is deferred to the first caller that needs them all.
  let parsed: ReturnType<typeof parseStage> | undefined;
  const parse = () => (parsed ??= listing.eachEntry ? collectStage((fn) => listing.eachEntry!(fn)) : parseStage(decodeBytes(listing.raw)));
  const looked = new Map<string, Identity | undefined>();

  function indexEntry(path: string): Identity | undefined {
    if (parsed) return parsed.entries.get(path);
    if (looked.has(path)) return looked.get(path);
    const recs = listing.lookup(path);
    const id = !recs.length ? undefined : recs.some((r) => r.stage !== '0') ? CONFLICT : { mode: recs[0].mode, oid: recs[0].oid };
    looked.set(path, id);
    return id;
  }

  function identity(path: string): Identity {
    const known = hashed.get(path);
    if (known) return known;
    const e = indexEntry(path);
    if (e && !dirtySet.has(path)) return e;
    const id = e?.mode === 'conflict' ? CONFLICT : hashWorktreeFile(root, path, algo);
    hashed.set(path, id);
    return id;
  }

  let key: string | null | undefined;
  let whole: { digest: string; raw(): Buffer } | undefined;
  function contentKey(): string | null {
    if (key !== undefined) return key;
    if (dirtySet.size + untrackedList.length > KEY_LIMIT) return (key = null);
    if (!withinBytes(root, [...dirtySet, ...untrackedList].filter((p) => !hashed.has(p)))) return (key = null);
    const h = createHash('sha256').update(`heph snapshot 2\0${source}\0${algo}\0`).update(listing.identity());
    const add = (label: string, paths: Iterable<string>) => {
      h.update(`\0${label}\0`);
      for (const p of paths) {
        const id = identity(p);
        h.update(encodeBytes(p)).update(`\0${id.mode} ${id.oid}\0`);
      }
    };
    try {
      add('changed', [...dirtySet].sort());
      add('untracked', untrackedList);
    } catch {
      // A file that cannot be hashed (over 2 GiB, unreadable) may be one no check reads: no key, and the
      // run goes on as it would without the memo.
      return (key = null);
    }
    return (key = h.digest('hex'));
  }

  return {
    source,
    root,
    algo,
    get tracked() {
      return parse().order;
    },
    untracked: untrackedList,
    get conflicted() {
      return parse().conflicted;
    },
    ...(stagedNames ? { staged: stagedNames } : {}),
    isDeleted: (path) => dirtySet.has(path) && identity(path) === DELETED,
    identity,
    has: (path) => indexEntry(path) !== undefined,
    assumeUnchanged: () =>
      listing.flagged().assumed.flatMap((path) => listing.lookup(decodeBytes(Buffer.from(path, 'latin1'))).map((e) => ({ path, mode: e.mode, oid: e.oid }))),
    trackedEndingWith: (suffix) => (parsed ? parsed.order.filter((p) => p.endsWith(suffix)) : listing.endingWith(suffix)),
    contentKey,
    indexIdentity: indexEntry,
    ...(opts.pathspecs
      ? {}
      : {
          indexListing: () =>
            (whole ??= {
              digest: listing instanceof RememberedIndex ? listing.contentDigest() : createHash('sha256').update(listing.raw).digest('hex'),
              raw: () => listing.raw,
            }),
        }),
    overlay() {
      if (contentKey() === null) return null;
      const out = new Map<string, Identity>();
      for (const p of dirtySet) out.set(p, identity(p));
      for (const p of untrackedList) out.set(p, identity(p));
      return out;
    },
  };
}
