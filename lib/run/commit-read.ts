/**
 * What a commit hook reads first: the index entries of the config files and,
 * in a repository without members, the whole snapshot at once. With members,
 * the snapshot waits for the config, which says which part of the tree the
 * commit's checks can read (plan/scope.ts): a commit touching one member of a
 * large repository then reads that member, not the repository.
 */
import { closeSync, readSync } from 'node:fs';
import { afterTask, indexFilePath, indexStamp, openToRead, readIndexFile, sameStamp } from '../git/index-file.js';
import { algoOf, hashWorktreeFile, parseStage, readSnapshot, STAGED_ARGS, type Snapshot } from '../git/snapshot.js';
import { gitParallel, splitZ } from '../git/exec.js';
import { decodeBytes } from '../git/bytes.js';
import { CONFIG_NAME, memberDirs } from '../config/member-dirs.js';
import { observeGit, observeHead } from '../replay/observe.js';

export interface CommitRead {
  /** The index entries of every `.heph.json` (the whole snapshot when pathspecs cannot be scoped). */
  configs: Promise<Snapshot>;
  /** The member directories, from the index: a commit is checked by the configs it records. */
  members: Promise<string[]>;
  /** The whole snapshot with the staged list, started at once when there is no member; null otherwise. */
  whole: Promise<Snapshot | null>;
  /** The staged list across the whole index (read along with the config files when there may be members). */
  staged: Promise<string[]>;
}

/** Variables that change how git reads pathspecs: scoped reads then keep to the whole tree. */
const PATHSPEC_ENV = ['GIT_LITERAL_PATHSPECS', 'GIT_GLOB_PATHSPECS', 'GIT_NOGLOB_PATHSPECS', 'GIT_ICASE_PATHSPECS'];

/** Whether pathspecs with magic (`:(literal)`, `:(glob)`) mean here what they say. */
export const canScope = (env: NodeJS.ProcessEnv = process.env) => !PATHSPEC_ENV.some((k) => env[k]);

/**
 * Whether the index may list a member config: a fast look at its bytes for a
 * second config name (the root's is one). Only decides what is read first:
 * a wrong "no" reads the whole snapshot, where members are found all the same.
 */
function mayHaveMembers(root: string, gitDir: string): boolean {
  const file = indexFilePath(root, gitDir);
  // Index version 4 stores a path as a suffix of the previous one: the name's end is always there.
  const needle = Buffer.from('heph.json\0', 'latin1');
  // In chunks: the index of a large repository is megabytes that nothing else here needs.
  const chunk = Buffer.allocUnsafe(1 << 16);
  const fd = openToRead(file);
  if (fd === null) return false;
  try {
    let found = 0;
    let keep = 0;
    for (;;) {
      const n = readSync(fd, chunk, keep, chunk.length - keep, null);
      if (n === 0) return false;
      const end = keep + n;
      for (let at = chunk.indexOf(needle); at >= 0 && at + needle.length <= end; at = chunk.indexOf(needle, at + 1)) if (++found === 2) return true;
      // The needle may straddle two chunks: keep its length less one byte for the next read.
      keep = Math.min(needle.length - 1, end);
      chunk.copy(chunk, 0, end - keep, end);
    }
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

export function startCommitRead(root: string, gitDir: string, factsDir: string): CommitRead {
  const whole = () => readSnapshot({ root, source: 'index', staged: true, gitDir, factsDir });
  let read: CommitRead;
  if (!canScope() || !mayHaveMembers(root, gitDir)) {
    const all = whole();
    // Only the config names: listing every path would parse the whole index.
    read = { configs: all, members: all.then((s) => memberDirs(s.trackedEndingWith(`/${CONFIG_NAME}`))), whole: all, staged: all.then((s) => s.staged!) };
  } else {
    const configs = configEntries(root, gitDir);
    const members = configs.then((c) => memberDirs(c.snapshot.tracked));
    read = { configs: configs.then((c) => c.snapshot), members, whole: members.then((m) => (m.length ? null : whole())), staged: configs.then((c) => c.staged) };
  }
  for (const p of [read.configs, read.members, read.whole, read.staged]) p.catch(() => {}); // a failure surfaces where it is awaited
  return read;
}

/**
 * The index entries of the config files, and the staged list. The entries come from the index file read
 * here (index-file.ts), which the snapshot of the commit's scope then reuses; from git when this reader
 * leaves the file to it or it changed while git listed the staged files.
 */
async function configEntries(root: string, gitDir: string): Promise<{ snapshot: Snapshot; staged: string[] }> {
  const env = { GIT_OPTIONAL_LOCKS: '0' };
  const spec = `:(glob)**/${CONFIG_NAME}`;
  const file = indexFilePath(root, gitDir);
  const stamp = process.platform === 'win32' ? null : indexStamp(file);
  const listing = ['ls-files', '-s', '-z', '--', spec];
  observeHead(gitDir);
  if (stamp) {
    const staged = gitParallel([STAGED_ARGS], { cwd: root, env });
    const read = await afterTask(() => readIndexFile(file));
    const [st] = await staged;
    observeGit(STAGED_ARGS, st.stdout);
    const mine = read && sameStamp(read.stamp, stamp) && sameStamp(indexStamp(file), stamp) ? read.listing.scoped([spec]) : null;
    if (mine) return { snapshot: configSnapshot(root, decodeBytes(mine.raw)), staged: splitZ(st.stdout) };
  }
  // One spawn for both: each process heph starts blocks it for a few milliseconds.
  const [ls, st] = await gitParallel([listing, STAGED_ARGS], { cwd: root, env });
  observeGit(STAGED_ARGS, st.stdout);
  return { snapshot: configSnapshot(root, decodeBytes(ls.stdout)), staged: splitZ(st.stdout) };
}

/** The snapshot of the config files' index entries (as readSnapshot gives it for the index, of these paths only). */
function configSnapshot(root: string, lsFiles: string): Snapshot {
  const { entries, order, conflicted } = parseStage(lsFiles);
  const first = entries.values().next().value;
  const algo = first ? algoOf(first.oid) : 'sha1';
  return {
    source: 'index',
    root,
    algo,
    tracked: order,
    untracked: [],
    conflicted,
    isDeleted: () => false,
    identity: (path) => entries.get(path) ?? hashWorktreeFile(root, path, algo),
    has: (path) => entries.has(path),
    trackedEndingWith: (suffix) => order.filter((p) => p.endsWith(suffix)),
    assumeUnchanged: () => [],
    // A part of the index: no key for the whole.
    contentKey: () => null,
  };
}
