/**
 * Replaying a cached pre-commit (docs/caching.md): when the last pre-commit of
 * this worktree reused every result, and nothing it was decided by has
 * changed since, its output is printed again without loading the rest of
 * heph. Runs in the entry point, before the CLI bundle loads; every doubt is
 * a miss, and a miss costs a few file reads before the full run.
 *
 * What is compared: heph's build, Node, the command line, the directory, the
 * environment, whether stdout is a terminal, the index file (size and
 * checksum), HEAD and the branch it names, the identity of every file the run
 * read from disk (config files, untracked inputs), the clock against every
 * result's TTL, free disk space, that no run holds the lock and none left
 * work to recover, and last the output of the git listings the run used
 * (the untracked files), run again now.
 */
import { accessSync, appendFileSync, constants, existsSync, lstatSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findOnDisk, hephDirOf } from '../git/repo-disk.js';
import { indexFileIn } from '../git/index-path.js';
import { headState, identityOf, nowNs, realOf } from './observe.js';
import { readGeneration } from './journal.js';
import { dirId, envDigest, indexKey, indexTail, keyOf, treeFile, unsealWatch, type Watch, journalFile, MAX_JOURNAL_BYTES, MAX_RECORD_BYTES, nodeId, readSmallFile, recordFile, render, unseal, type ReplayRecord } from './record.js';
import { formatDuration } from '../config/duration.js';
import { now as clockNow, monotonicMs } from '../clock.js';
import { debug } from '../debug.js';

const log = debug('replay');

/** The only command line replayed: what an installed pre-commit hook runs. */
export const isReplayable = (argv: string[]): boolean => argv.length === 3 && argv[0] === 'hook' && argv[1] === 'run' && argv[2] === 'pre-commit';

/** True when the run was replayed (its output printed, exit code 0); false: run heph. */
export async function replayCommit(argv: string[], build: string): Promise<boolean> {
  const started = monotonicMs();
  const miss = (why: string) => (log(`miss: ${why}`), false);
  const env = process.env;
  // As every HEPH_ flag is read (commands/options.ts envFlag): set to anything but 1/true/yes/on, it is off.
  const off = (v: string | undefined) => v !== undefined && !['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase());
  if (off(env.HEPH_REPLAY)) return miss('HEPH_REPLAY is off');
  if (env.HEPH_DEBUG && env.HEPH_DEBUG !== 'replay') return miss('HEPH_DEBUG is set');
  if (off(env.HEPH) || env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return miss('HEPH=0, GIT_WORK_TREE or GIT_COMMON_DIR is set');
  const cwd = process.cwd();
  const repo = findOnDisk(cwd);
  if (!repo) return miss('no repository found from disk');
  if (env.GIT_DIR && resolve(cwd, env.GIT_DIR) !== repo.gitDir) return miss('GIT_DIR names another git dir');
  const dir = hephDirOf(repo.commonDir);
  // Before the record: a store write from now on shows as another generation (replay/upgrade.ts).
  const generation = readGeneration(dir);
  const file = recordFile(dir, repo.gitDir);
  const text = readSmallFile(file, MAX_RECORD_BYTES);
  if (text === null) return miss('no record');
  const now = indexTail(indexFileIn(repo.root, repo.gitDir, process.env));
  if (!now || keyOf(text) !== indexKey(now)) return miss('the index changed');
  const record = await unseal(text);
  if (!record) return miss('record damaged or of another version');
  const why = await differs(record, argv, build, cwd, repo, dir);
  if (why) return miss(why);
  let outs: { stdout: Buffer }[] = [];
  let since = 0n;
  try {
    // Loaded only when a list must be run again: child_process is most of what the entry point would load.
    // One list (the usual: the untracked files) is run synchronously: no streams to set up for its pipes.
    const exec = record.git.length ? await import('../git/exec.js') : null;
    const opts = { cwd: repo.root, env: { GIT_OPTIONAL_LOCKS: '0' } };
    since = nowNs();
    if (exec && record.git.length === 1) {
      const r = exec.gitSyncResult(record.git[0].args, opts);
      if (r.code !== 0) return miss('git failed');
      outs = [r];
    } else if (exec) outs = await exec.gitParallel(record.git.map((g) => g.args), opts);
  } catch {
    return miss('git failed');
  }
  const changed = record.git.findIndex((g, i) => outs[i].stdout.toString('latin1') !== g.out);
  if (changed >= 0) return miss(`git ${record.git[changed].args.join(' ')} lists something else`);
  const t = clockNow();
  if (!fresh(record, t)) return miss('a reused result expired meanwhile');
  const ms = Math.round(monotonicMs() - started);
  process.stdout.write(record.lines.map((l) => render(l, t, ms, formatDuration) + '\n').join(''));
  try {
    appendFileSync(journalFile(dir), JSON.stringify({ ...record.run, at: Date.now(), durationMs: ms, replayed: true }) + '\n');
  } catch {
    /* the history misses one run: never a reason to fail a commit */
  }
  log('replayed');
  // Once git had to list the untracked files again and found them the same: the next replay need not.
  if (record.git.length) {
    const why = await (await import('./upgrade.js')).upgradeRecord({ record, file, text, dir, generation, since });
    log(why ? `record kept as it is: ${why}` : 'record upgraded: the untracked list is watched, not asked of git');
  }
  return true;
}

const fresh = (r: ReplayRecord, t: number) => t >= r.notBefore && (r.expires === null || t < r.expires);

/** Why the record does not describe this run, or null when everything short of git's listings matches. */
async function differs(r: ReplayRecord, argv: string[], build: string, cwd: string, repo: { root: string; gitDir: string; commonDir: string }, dir: string): Promise<string | null> {
  if (r.build !== build || r.node !== nodeId()) return 'another heph or Node';
  if (r.argv.join('\0') !== argv.join('\0') || r.cwd !== cwd) return 'another command or directory';
  if (r.root !== repo.root || r.gitDir !== repo.gitDir || r.commonDir !== repo.commonDir) return 'another repository';
  if (r.tty !== !!process.stdout.isTTY) return 'stdout is (or is not) a terminal';
  // The files first (a few lstat calls): after any other heph run the store is what changed, and a miss
  // should leave the full run as early as it can.
  const changed = filesChanged(r.files);
  if (changed) return changed;
  if (r.env !== envDigest(process.env)) return 'the environment changed';
  if (existsSync(join(dir, 'run.lock'))) return 'another run holds the lock';
  // A full run would warn and run without the lock and without stored results.
  if (!writable(dir)) return "heph's folder cannot be written";
  if (pending(join(dir, 'stash')) || existsSync(join(repo.gitDir, 'refs', 'worktree', 'heph', 'before-fix'))) return 'an interrupted run left work to recover';
  if (!fresh(r, clockNow())) return 'a reused result expired';
  const file = indexFileIn(repo.root, repo.gitDir, process.env);
  const tail = indexTail(file);
  if (file !== r.index.file || !tail || tail.size !== r.index.size || tail.tail !== r.index.tail) return 'the index changed';
  if (r.tree) {
    const tree = treeFile(dir, repo.gitDir);
    const text = readSmallFile(tree, MAX_RECORD_BYTES);
    const watch = text === null ? null : await unsealWatch(text, r.tree);
    const moved = watch ? treeChanged(watch, repo.root) : 'the watch of the tree is gone or damaged';
    if (moved) {
      // A watch that no longer holds never will: a run that records again must not carry it over.
      rmSync(tree, { force: true });
      return moved;
    }
  }
  if (r.minFreeMB > 0 && !roomFor(repo.root, r.minFreeMB)) return 'low on disk space';
  try {
    if (statSync(journalFile(dir)).size > MAX_JOURNAL_BYTES) return 'the history journal is due to be folded';
  } catch {
    /* no journal yet */
  }
  return null;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What of these files no longer is as it was read, or null. */
export function filesChanged(files: ReplayRecord['files']): string | null {
  for (const f of files) {
    const path = Buffer.from(f.p.slice(2), 'hex');
    let id: string;
    try {
      if (f.p.startsWith('f:')) id = identityOf(lstatSync(path, { bigint: true, throwIfNoEntry: false }));
      else if (f.p.startsWith('s:')) id = identityOf(statSync(path, { bigint: true, throwIfNoEntry: false }));
      else if (f.p.startsWith('r:')) id = realOf(path.toString());
      else if (f.p.startsWith('h:')) id = headState(path.toString()) ?? 'unusable';
      else return 'a record of another kind';
    } catch {
      return 'a file read last time cannot be looked at';
    }
    if (id !== f.id) return `${path.toString()} changed`;
  }
  return null;
}

/** What of the watched tree (replay/tree.ts) changed since it was watched, or null. */
export function treeChanged(tree: Watch, rootPath: string): string | null {
  const root = Buffer.from(rootPath);
  const slash = Buffer.from('/');
  for (const [rel, id] of tree.dirs) {
    let now: string;
    try {
      now = dirId(lstatSync(rel ? Buffer.concat([root, slash, Buffer.from(rel, 'latin1')]) : root));
    } catch {
      return 'a directory went away';
    }
    if (now !== id) return `a name was added or removed in ${rel || '.'}`;
  }
  return filesChanged(tree.files);
}

function pending(stashDir: string): boolean {
  try {
    return readdirSync(stashDir).length > 0;
  } catch {
    return false;
  }
}

/** As the run's disk guard decides: a filesystem that cannot say how full it is does not stop a commit. */
function roomFor(path: string, minMB: number): boolean {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize) >= minMB * 1024 * 1024;
  } catch {
    return true;
  }
}
