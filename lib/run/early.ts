/**
 * Starts reading the repository snapshot as the very first thing a run does,
 * so git works while the rest of heph loads (module loading and the git calls
 * each take a few milliseconds; overlapped, a cached run costs the larger of
 * the two, not the sum).
 */
import { findRepoSync, hephDir, type Repo } from '../git/repo.js';
import { readSnapshot, type Snapshot, type SnapshotSource } from '../git/snapshot.js';
import { startCommitRead, type CommitRead } from './commit-read.js';

// On globalThis: the entry point and the CLI bundle each carry their own copy of this module.
const KEY = Symbol.for('heph.earlySnapshots');
const COMMIT_KEY = Symbol.for('heph.earlyCommitReads');
const g = globalThis as { [KEY]?: Map<string, Promise<Snapshot>>; [COMMIT_KEY]?: Map<string, CommitRead> };
const started = (g[KEY] ??= new Map<string, Promise<Snapshot>>());
const commits = (g[COMMIT_KEY] ??= new Map<string, CommitRead>());

/**
 * Starts the snapshot before the CLI loads. A commit (`staged`) starts with its
 * config files only: in a repository with members the rest is read once the
 * config says which part of the tree the commit's checks can read.
 */
export function startEarlySnapshot(source: SnapshotSource, staged = false): void {
  const repo = findRepoSync();
  if (!repo) return;
  if (staged) {
    commitReadFor(repo);
    return;
  }
  const p = readSnapshot({ root: repo.root, source, staged, gitDir: repo.gitDir, factsDir: hephDir(repo) });
  p.catch(() => {}); // a failure surfaces when the snapshot is taken
  started.set(`${repo.root}\0${source}`, p);
}

/** The commit read of this root, started now unless it already was. */
export function commitReadFor(repo: Repo): CommitRead {
  let read = commits.get(repo.root);
  if (!read) commits.set(repo.root, (read = startCommitRead(repo.root, repo.gitDir, hephDir(repo))));
  return read;
}

/** Forgets a commit read (another run changed the index meanwhile). */
export function dropCommitRead(root: string): void {
  commits.delete(root);
}

/** The member directories a started commit read found (tracked ones: what the commit records); undefined if none started. */
export function peekEarlyMembers(root: string): Promise<string[]> | undefined {
  return commits.get(root)?.members;
}

/** The early snapshot for this root and source, once; undefined if none was started. */
export function takeEarlySnapshot(root: string, source: SnapshotSource): Promise<Snapshot> | undefined {
  const key = `${root}\0${source}`;
  const p = started.get(key);
  started.delete(key);
  return p;
}

/** An early snapshot for this root (either source), left in place for its taker; undefined if none. */
export function peekEarlySnapshot(root: string): Promise<Snapshot> | undefined {
  return started.get(`${root}\0index`) ?? started.get(`${root}\0worktree`);
}
