/**
 * A content snapshot of the repository, read from git's index instead of the
 * files: the index already knows every tracked file's blob id, and `diff-files`
 * (which applies git's racy-stat checks) names the few that differ on disk.
 * Only those, and untracked files a check asks about, are hashed here.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gitParallel, splitZ } from './exec.js';
import { decodeBytes, fsPath } from './bytes.js';
import { submoduleIdentity } from './submodule.js';

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
  /** Tracked paths (sorted, as git lists them). */
  tracked: string[];
  /** Untracked, non-ignored paths. */
  untracked: string[];
  /** The staged files a commit adds, copies, modifies or renames, when asked for (pre-commit). */
  staged?: string[];
  /** Paths with unmerged index entries; results that depend on them are not cached. */
  conflicted: Set<string>;
  /** Tracked paths missing from the working tree (worktree source only). */
  isDeleted(path: string): boolean;
  /** The content identity of a tracked or untracked path as a check would see it. */
  identity(path: string): Identity;
}

const DELETED: Identity = { mode: '0', oid: 'deleted' };

/** Parses `git ls-files -s -z`: `<mode> <oid> <stage>\t<path>\0`. */
export function parseStage(out: string): { entries: Map<string, Identity>; order: string[]; conflicted: Set<string> } {
  const entries = new Map<string, Identity>();
  const order: string[] = [];
  const conflicted = new Set<string>();
  let i = 0;
  while (i < out.length) {
    const end = out.indexOf('\0', i);
    const rec = out.slice(i, end === -1 ? out.length : end);
    i = end === -1 ? out.length : end + 1;
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const path = rec.slice(tab + 1);
    const sp1 = rec.indexOf(' ');
    const sp2 = rec.indexOf(' ', sp1 + 1);
    const stage = rec.slice(sp2 + 1, tab);
    if (stage !== '0') {
      if (!conflicted.has(path)) order.push(path);
      conflicted.add(path);
      entries.set(path, { mode: 'conflict', oid: 'conflict' });
      continue;
    }
    order.push(path);
    entries.set(path, { mode: rec.slice(0, sp1), oid: rec.slice(sp1 + 1, sp2) });
  }
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
}

/** The staged files a commit adds, copies, modifies or renames (not deletions). */
export const STAGED_ARGS = ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames', '--ignore-submodules=all'];

/** Reads the snapshot with at most three git calls, run in parallel. */
export async function readSnapshot(opts: SnapshotOptions): Promise<Snapshot> {
  const { root, source } = opts;
  const cwd = root;
  const env = { GIT_OPTIONAL_LOCKS: '0' };
  const commands = [
    ['ls-files', '-s', '-z'],
    // --ignore-submodules=none: a user's diff.ignoreSubmodules must not hide a dirty submodule.
    ...(source === 'worktree' ? [['diff-files', '--name-only', '-z', '--ignore-submodules=none']] : []),
    ...(opts.untracked === false ? [] : [['ls-files', '-o', '--exclude-standard', '-z']]),
    ...(opts.staged ? [STAGED_ARGS] : []),
  ].map((c) => (opts.pathspecs ? [...c, '--', ...opts.pathspecs] : c));
  const results = await gitParallel(commands, { cwd, env });
  const stagedNames = opts.staged ? splitZ(results.pop()!.stdout) : undefined;
  const staged = results[0];
  const dirty = source === 'worktree' ? results[1] : null;
  const untracked = opts.untracked === false ? null : results[results.length - 1];
  const { entries, order, conflicted } = parseStage(decodeBytes(staged.stdout));
  const dirtySet = new Set(dirty ? splitZ(dirty.stdout) : []);
  const untrackedList = untracked ? splitZ(untracked.stdout) : [];
  const first = entries.values().next().value as Identity | undefined;
  const algo = first ? algoOf(first.oid) : 'sha1';
  const hashed = new Map<string, Identity>();

  function identity(path: string): Identity {
    const known = hashed.get(path);
    if (known) return known;
    const e = entries.get(path);
    if (e && !dirtySet.has(path)) return e;
    const id = conflicted.has(path) ? { mode: 'conflict', oid: 'conflict' } : hashWorktreeFile(root, path, algo);
    hashed.set(path, id);
    return id;
  }

  return {
    source,
    root,
    algo,
    tracked: order,
    untracked: untrackedList,
    conflicted,
    ...(stagedNames ? { staged: stagedNames } : {}),
    isDeleted: (path) => dirtySet.has(path) && identity(path) === DELETED,
    identity,
  };
}
