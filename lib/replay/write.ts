/**
 * Writes the replay record of a pre-commit that reused every result
 * (replay/verify.ts replays it). Only a run whose outcome is a function of
 * what the record holds is recorded: it printed no warning, ran and fixed
 * nothing, wrote no summary and told no webhook, read its config from the
 * index or from files whose identity was taken, and read no file from disk
 * whose identity could still change without showing (written within the
 * filesystem's timestamp granularity of the record). Anything else leaves no
 * record, and the next commit runs in full.
 */
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDuration } from '../config/duration.js';
import type { Plan, PlanItem } from '../plan/types.js';
import type { RunReport } from '../run/types.js';
import type { RunRecord } from '../state/types.js';
import type { Output } from '../report/output.js';
import type { Repo } from '../git/repo-disk.js';
import { indexFileIn } from '../git/index-path.js';
import { STAGED_ARGS } from '../git/snapshot.js';
import { clockSkew, identityOf, observed, settled } from './observe.js';
import { envDigest, indexTail, MAX_RECORD_BYTES, nodeId, readSmallFile, recordFile, render, seal, treeFile, untrackedList, VOLATILE_ENV, WATCH_KIND, type Part, type ReplayRecord } from './record.js';
import { isReplayable } from './verify.js';
import { readGeneration } from './journal.js';
import { debug } from '../debug.js';

const log = debug('replay');

/** Set by the entry point: the build the record is valid for (none when heph is used as a library). */
export const BUILD_KEY = Symbol.for('heph.build');

/** An Output that keeps what it prints, and says whether anything but plain lines was printed. */
export function recordingOutput(out: Output): { out: Output; lines: string[]; troubled: () => boolean } {
  const lines: string[] = [];
  let troubled = false;
  const rec: Output = {
    json: out.json,
    line: (t) => (lines.push(t), out.line(t)),
    info: (t) => (lines.push(t), out.info(t)),
    warn: (t) => ((troubled = true), out.warn(t)),
    error: (e) => ((troubled = true), out.error(e)),
    data: (v) => ((troubled = true), out.data(v)),
  };
  return { out: rec, lines, troubled: () => troubled };
}

export interface ReplayInput {
  repo: Repo;
  /** heph's folder. */
  dir: string;
  plan: Plan;
  report: RunReport;
  lines: string[];
  /** The run history row as the run stored it. */
  run: RunRecord;
  minFreeMB: number;
  /** False when a config layer came from outside the index and the files observed (a package, a module). */
  configOk: boolean;
}

/**
 * A config layer whose content the record covers: a JSON file of the repository (read from the index, or
 * from disk with its identity taken). Not a built-in set (it looks at the disk and PATH to fit the
 * repository), a package or a module (code that runs).
 */
export const layerCovered = (label: string): boolean =>
  /\.json$/i.test(label) && !label.includes('@') && !label.startsWith('/') && !label.startsWith('../') && !/^[A-Za-z]:/.test(label);

/** Removes this worktree's record (a run that cannot be replayed). */
export function dropReplay(dir: string, gitDir: string): void {
  try {
    rmSync(recordFile(dir, gitDir), { force: true });
  } catch {
    /* a record that cannot be removed is found stale by its checks */
  }
}

/** Writes (or removes) this worktree's record. Never throws: a record is only ever a saving. */
export async function writeReplay(a: ReplayInput): Promise<void> {
  const file = recordFile(a.dir, a.repo.gitDir);
  try {
    rmSync(file, { force: true });
    const record = build(a);
    if (typeof record === 'string') return log(`not recorded: ${record}`);
    keepWatch(record, a.dir);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    // Racy files: one changed again within the timestamp granularity of its last change would keep its identity.
    if (racy(clockSkew(tmp))) {
      rmSync(tmp, { force: true });
      return log('not recorded: a file read was changed too recently to vouch for');
    }
    const text = await seal(record);
    if (text.length > MAX_RECORD_BYTES) return rmSync(tmp, { force: true }), log('not recorded: too large');
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    // A store write since the results were read (`heph cache clear` holds no run lock): not kept.
    if (readGeneration(a.dir) !== observed().generation) return rmSync(file, { force: true }), log('not recorded: the store changed meanwhile');
    log(`recorded (${record.git.length} git list${record.git.length === 1 ? '' : 's'} to run again)`);
  } catch (err) {
    log(`not recorded: ${(err as Error).message}`);
  }
}

/**
 * This worktree's watch of the tree, carried over by its first line: a replay compares every identity in
 * it, each taken before an earlier run listed the untracked files and unchanged since only if nothing
 * changed since then, which covers this run's listing too (the list depends on the tree, the ignore rules
 * and the index, which the record compares). A watch that no longer holds is removed by the replay
 * that finds it so, and the next record lists with git again.
 */
function keepWatch(record: ReplayRecord, dir: string): void {
  const text = readSmallFile(treeFile(dir, record.gitDir), MAX_RECORD_BYTES);
  const first = text?.slice(0, text.indexOf('\n'));
  if (!first?.startsWith(`${WATCH_KIND} `)) return;
  record.git = record.git.filter((g) => !untrackedList(g.args));
  record.tree = first;
}

/**
 * True when a file's last change was within the margin of when its identity was taken (on the
 * filesystem's clock): a change after that, in the same timestamp tick, would not show. The margin is
 * well above a local filesystem's tick (a few ms); whole seconds on the file (a filesystem that keeps no
 * finer time, or a time set with touch -d) take two seconds.
 */
function racy(skew: bigint): boolean {
  return [...observed().files.values()].some((f) => f && !settled(f.newest, f.at, skew));
}

function build(a: ReplayInput): ReplayRecord | string {
  const buildId = (globalThis as { [BUILD_KEY]?: string })[BUILD_KEY];
  if (!buildId) return 'no build id';
  const argv = process.argv.slice(2);
  if (!isReplayable(argv)) return 'not the plain pre-commit command line';
  if (!a.configOk) return 'a config layer outside the repository';
  if (!a.report.ok || a.report.interrupted) return 'not a passing run';
  const items = a.plan.phases.flatMap((p) => p.items);
  const cached = items.filter((i) => i.action === 'cached');
  if (!cached.length || items.some((i) => i.action !== 'cached' && i.action !== 'skipped')) return 'a check ran';
  if (cached.some((i) => !i.reused || (i.source ?? 'local') !== 'local')) return 'a result reused from elsewhere';
  if (a.report.checks.some((c) => c.status !== 'cached' && c.status !== 'skipped')) return 'a check ran';
  if (cached.some((i) => i.check.env.some((k) => VOLATILE_ENV.includes(k)))) return 'a check reads a variable that changes with every commit';
  const seen = observed();
  if ([...seen.git.values()].some((v) => v === null) || [...seen.files.values()].some((v) => v === null)) return 'something read twice differently, or a directory read';
  if (!seen.git.has(STAGED_ARGS.join('\0'))) return 'no staged list';
  // With HEAD noted before each staged list was read, the list is a function of what the record holds: not listed again.
  const staged = (k: string) => k === STAGED_ARGS.join('\0') || k.startsWith(`${STAGED_ARGS.join('\0')}\0--\0`);
  const headNoted = seen.heads >= seen.stagedReads && [...seen.files.keys()].some((k) => k.startsWith('h:'));
  const git = [...seen.git].filter(([k]) => !(headNoted && staged(k)));
  const indexFile = indexFileIn(a.repo.root, a.repo.gitDir, process.env);
  const index = indexTail(indexFile);
  if (!index) return 'no index file';
  // git 2.40+ with index.skipHash (feature.manyFiles sets it) writes zeros where the checksum goes: then size and
  // tail do not tell one index from another of the same size (a file staged again with other bytes of its length).
  if (/^0{40}$/.test(index.tail.slice(-40))) return 'an index without a checksum (index.skipHash)';
  const lines = templates(a.lines, cached, a.report.durationMs);
  if (!lines) return 'output not understood';
  const store = ['state.sqlite', 'state.sqlite-wal'].map((f) => join(a.dir, f));
  const { at: _at, durationMs: _d, ...run } = a.run;
  return {
    v: 1,
    build: buildId,
    node: nodeId(),
    argv,
    cwd: process.cwd(),
    root: a.repo.root,
    gitDir: a.repo.gitDir,
    commonDir: a.repo.commonDir,
    env: envDigest(process.env),
    tty: !!process.stdout.isTTY,
    index: { file: indexFile, ...index },
    git: git.map(([k, out]) => ({ args: k.split('\0'), out: out! })),
    // The store first: after any other heph run it is what changed (replay/verify.ts compares in this order).
    files: [
      ...store.map((f) => ({ p: `f:${Buffer.from(f).toString('hex')}`, id: identityOf(lstatSync(f, { bigint: true, throwIfNoEntry: false })) })),
      ...[...seen.files].map(([p, f]) => ({ p, id: f!.id })),
    ],
    notBefore: Math.max(...cached.map((i) => i.reused!.newest)),
    expires: cached.reduce<number | null>((min, i) => {
      const end = i.check.ttlMs === Infinity ? null : i.reused!.oldest + i.check.ttlMs;
      return end === null ? min : min === null ? end : Math.min(min, end);
    }, null),
    minFreeMB: a.minFreeMB,
    lines,
    run,
  };
}

/**
 * The printed lines with each reused result's age and the run's duration
 * made parts to fill in; null unless rendering them back gives exactly what
 * was printed.
 */
function templates(printed: string[], cached: PlanItem[], durationMs: number): Part[][] | null {
  const now = cached[0].reused!.now;
  if (cached.some((i) => i.reused!.now !== now)) return null;
  const out = printed.map((line, n): Part[] => {
    let parts: Part[] = [line];
    // The longest id the line holds: `q/a` is inside the line of `q/ab`, whose age may read the same today and not tomorrow.
    const item = cached.filter((i) => line.includes(i.id) && line.includes(ageText(i))).sort((x, y) => y.id.length - x.id.length)[0];
    if (item) {
      const at = line.lastIndexOf(ageText(item));
      parts = [line.slice(0, at), { a: item.reused!.newest }, line.slice(at + ageText(item).length)];
    }
    const tail = ` in ${formatDuration(durationMs)}`;
    if (n === printed.length - 1 && line.endsWith(tail)) parts = [...parts.slice(0, -1), (parts.at(-1) as string).slice(0, -tail.length), { ms: 1 }];
    return parts;
  });
  const back = out.map((p) => render(p, now, durationMs, formatDuration));
  const lastHasMs = out.at(-1)?.some((p) => typeof p === 'object' && 'ms' in p);
  return lastHasMs && back.every((l, i) => l === printed[i]) ? out : null;
}

const ageText = (i: PlanItem) => `cached ${formatDuration(Math.max(0, i.reused!.now - i.reused!.newest))} ago`;
