/**
 * The snapshot read with heph's own index reader (the file read in-process,
 * and the facts remembered of it) against the snapshot read from git alone,
 * over seeded repository states: staged, unstaged and deleted files, modes,
 * symlinks, type changes, intent-to-add, assume-unchanged, skip-worktree, a
 * sparse checkout, submodule entries, unmerged stages of a merge in
 * progress, index versions 2-4, a split index, SHA-1 and SHA-256, and odd names.
 * Every answer a run can ask of the
 * snapshot must be the same.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readSnapshot, type Snapshot, type SnapshotSource } from '../../lib/git/snapshot.js';
import { Repo, repoPool } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const SEEDS = process.env.HEPH_INDEX_SEED ? [Number(process.env.HEPH_INDEX_SEED)] : [1, 2, 3, 4];
const NAMES = ['a.txt', 'b.txt', 'd/c.txt', 'd/e/f.txt', 'sp ace.txt', 'nl\nx.txt', '-dash', 'é.txt', 'constructor', 'd/.heph.json', 'z/.heph.json', 'lnk', 'run.sh'];
const CONTENT = ['one\n', 'two\n', 'three\n', ''];

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const git = (...args: string[]) => r.gitResult(args);
  switch (Math.floor(rand() * 14)) {
    case 0:
    case 1:
      rmSync(r.path(name), { recursive: true, force: true });
      r.write(name, pick(CONTENT), pick([0o644, 0o755]));
      return `write ${name}`;
    case 2:
      r.remove(name);
      return `remove ${name}`;
    case 3:
      git('add', '-A');
      return 'add -A';
    case 4:
      git('add', '--', name);
      return `add ${name}`;
    case 5:
      git('add', '-A');
      git('commit', '-q', '--no-verify', '-m', 'step');
      return 'commit';
    case 6:
      rmSync(r.path(name), { recursive: true, force: true });
      mkdirSync(join(r.path(name), '..'), { recursive: true });
      symlinkSync(pick(['a.txt', 'gone', 'd']), r.path(name));
      return `symlink ${name}`;
    case 7:
      git('add', '-N', '--', name);
      return `add -N ${name}`;
    case 8: {
      const flag = pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']);
      git('update-index', flag, '--', name);
      return `${flag} ${name}`;
    }
    case 9: {
      const v = pick(['2', '3', '4', 'split', 'nosplit']);
      git('update-index', ...(v === 'split' ? ['--split-index'] : v === 'nosplit' ? ['--no-split-index'] : ['--index-version', v]));
      return `index ${v}`;
    }
    case 10: {
      const oid = git('rev-parse', 'HEAD').stdout.trim();
      git('update-index', '--add', '--cacheinfo', `160000,${oid},${pick(['mod', 'd/mod'])}`);
      return 'submodule entry';
    }
    case 11: {
      // Unmerged stages: the same path at stages 1-3, as a conflicted merge leaves it.
      const blobs = CONTENT.map((c) => r.gitResult(['hash-object', '-w', '--stdin'], { input: c }).stdout.trim());
      const path = pick(['a.txt', 'd/c.txt', 'u.txt']);
      git('update-index', '--force-remove', '--', path);
      r.gitResult(['update-index', '--index-info'], { input: [1, 2, 3].filter(() => rand() < 0.8).map((s) => `100644 ${pick(blobs)} ${s}\t${path}\n`).join('') });
      return `unmerged ${path}`;
    }
    case 12:
      if (rand() < 0.5) {
        git('sparse-checkout', 'set', '--no-cone', '/*.txt', '/z/');
        return 'sparse checkout';
      }
      git('sparse-checkout', 'disable');
      return 'sparse checkout off';
    default:
      git('reset', '-q');
      return 'reset';
  }
}

type Row = [path: string, has: boolean, deleted: boolean, id: unknown];

/** Everything a run can ask of a snapshot, as plain data. */
function view(s: Snapshot, extra: string[]): { paths: Row[] } & Record<string, unknown> {
  const paths = [...new Set([...s.tracked, ...s.untracked, ...extra])].sort();
  // As JSON: the same object met twice is then compared as itself.
  return JSON.parse(JSON.stringify({
    algo: s.algo,
    tracked: s.tracked,
    untracked: s.untracked,
    staged: s.staged,
    conflicted: [...s.conflicted].sort(),
    paths: paths.map((p) => [p, s.has(p), s.isDeleted(p), s.identity(p)]),
    endings: ['.txt', '/.heph.json', 'x'].map((e) => s.trackedEndingWith(e).sort()),
  }));
}

/** Asks in the order a run does (a few lookups, then maybe everything), so the facts are met in both states. */
async function compare(r: Repo, source: SnapshotSource, staged: boolean, label: string): Promise<void> {
  const factsDir = join(r.dir, '.git', 'heph');
  mkdirSync(factsDir, { recursive: true });
  const theirs = view(await readSnapshot({ root: r.dir, source, staged }), NAMES);
  for (const round of ['first met', 'remembered']) {
    const mine = await readSnapshot({ root: r.dir, source, staged, gitDir: join(r.dir, '.git'), factsDir });
    // Lookups first, answered from the facts the second time; then the whole listing.
    const early = JSON.parse(JSON.stringify(NAMES.map((p) => [p, mine.has(p), mine.identity(p)])));
    mine.remember?.();
    const byPath = new Map(theirs.paths.map(([p, has, , id]) => [p, [p, has, id]]));
    assert.equal(early, NAMES.map((p) => byPath.get(p)), `${label} (${round}): lookups`);
    assert.equal(view(mine, NAMES), theirs, `${label} (${round})`);
  }
}

for (const format of ['sha1', 'sha256'] as const) {
  for (const seed of SEEDS) {
    test(`${format}, seed ${seed}: the snapshot with heph's index reader answers as the one from git alone`, async () => {
      const r = repo();
      rmSync(r.path('.git'), { recursive: true, force: true });
      r.git('init', '-q', `--object-format=${format}`, '-b', 'main');
      const rand = rng(seed * 7 + (format === 'sha256' ? 1 : 0));
      for (const n of NAMES.slice(0, 6)) r.write(n, 'one\n');
      r.commitAll('init');
      const trail: string[] = [];
      for (let step = 0; step < 25; step++) {
        trail.push(mutate(r, rand));
        const source: SnapshotSource = rand() < 0.5 ? 'worktree' : 'index';
        await compare(r, source, rand() < 0.5, `${format} seed ${seed} step ${step} ${source}: ${trail.join(' / ')}`);
      }
    });
  }
}

test('GIT_INDEX_FILE changed in this process after git was first run: heph reads the index git reads', async () => {
  const r = repo();
  for (const n of ['a.txt', 'b.txt']) r.write(n, 'one\n');
  r.commitAll('init');
  r.write('a.txt', 'two\n');
  r.git('add', 'a.txt');
  await readSnapshot({ root: r.dir, source: 'index', staged: true });
  // Another index (HEAD's), named for the calls to come.
  assert.is(r.gitResult(['read-tree', 'HEAD'], { env: { GIT_INDEX_FILE: '.git/other-index' } }).code, 0);
  process.env.GIT_INDEX_FILE = '.git/other-index';
  try {
    for (const source of ['index', 'worktree'] as const) {
      const theirs = view(await readSnapshot({ root: r.dir, source, staged: true }), ['a.txt']);
      const mine = view(await readSnapshot({ root: r.dir, source, staged: true, gitDir: join(r.dir, '.git'), factsDir: join(r.dir, '.git', 'heph') }), ['a.txt']);
      assert.equal(mine, theirs, source);
    }
  } finally {
    delete process.env.GIT_INDEX_FILE;
  }
});

test.run();
