/**
 * The input digests a run patches from the last snapshot's lists (state/input-base.ts)
 * against the digests listed from scratch by git alone, over seeded sequences of
 * edits: content, modes, symlinks and type changes, deletions, renames, intent-to-add,
 * unmerged stages, assume-unchanged and skip-worktree, untracked and ignored files,
 * odd names (a newline, a leading dash, bytes that are not UTF-8, names that sort
 * differently by bytes and by UTF-16), index versions, and damage to the base's files.
 * After every edit, for both sources (working tree, index), every list's digest,
 * size and cacheability must be the from-scratch ones, and the inputs named as changed
 * since an earlier digest must be exactly those whose content differs.
 * HEPH_BASE_SEED picks another seed; HEPH_BASE_STEPS runs longer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnapshot, type SnapshotSource } from '../../lib/git/snapshot.js';
import { FORMAT_VERSION, InputHasher } from '../../lib/state/fingerprint.js';
import { InputBase } from '../../lib/state/input-base.js';
import { listDigest } from '../../lib/state/input-list.js';
import { compileGlobs } from '../../lib/util/glob.js';
import { Repo, repoPool } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const STEPS = Number(process.env.HEPH_BASE_STEPS ?? 40);
const SEEDS = process.env.HEPH_BASE_SEED ? [Number(process.env.HEPH_BASE_SEED)] : [1, 2, 3];

// \u{1F600} (outside the BMP) sorts below \uFF21 in UTF-16 and above it in bytes.
const NAMES = ['a.txt', 'b.md', 'd/c.txt', 'd/e/f.txt', 'sp ace.txt', 'nl\nx.txt', '-dash.txt', 'é.txt', '\u{1F600}.txt', '\uFF21.txt', 'cfg.ini', 'lnk', 'run.sh', 'z/.keep'];
const RAW = Buffer.from([0x72, 0xff, 0x2e, 0x74, 0x78, 0x74]); // r\xff.txt
const CONTENT = ['one\n', 'two\n', 'three\n', ''];

/** Input lists as checks declare them: [inputs, files excluded from them]. */
const LISTS: [string[] | null, string[] | null][] = [
  [null, null],
  [['**/*.txt'], null],
  [['*.txt'], null],
  [['**/*.md', 'cfg.ini'], ['**/*.md']],
  [['d/**'], null],
  [['cfg.ini'], null],
  [['**', '!d/**'], null],
  [['**/*.txt', '**/*.md'], ['d/**']],
  [['missing.env'], null],
];

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const git = (...args: string[]) => r.gitResult(args);
  switch (Math.floor(rand() * 21)) {
    case 0:
    case 1:
    case 2:
      rmSync(r.path(name), { recursive: true, force: true });
      r.write(name, pick(CONTENT), pick([0o644, 0o755]));
      return `write ${JSON.stringify(name)}`;
    case 3:
      r.remove(name);
      return `remove ${JSON.stringify(name)}`;
    case 4:
      git('add', '-A');
      return 'add -A';
    case 5:
      git('add', '--', name);
      return `add ${JSON.stringify(name)}`;
    case 6:
      git('add', '-A');
      git('commit', '-q', '--no-verify', '-m', 'step');
      return 'commit';
    case 7:
      rmSync(r.path(name), { recursive: true, force: true });
      mkdirSync(join(r.path(name), '..'), { recursive: true });
      symlinkSync(pick(['a.txt', 'gone', 'd']), r.path(name));
      return `symlink ${JSON.stringify(name)}`;
    case 8:
      git('add', '-N', '--', name);
      return `add -N ${JSON.stringify(name)}`;
    case 9: {
      const flag = pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']);
      git('update-index', flag, '--', name);
      return `${flag} ${JSON.stringify(name)}`;
    }
    case 10: {
      const v = pick(['2', '3', '4']);
      git('update-index', '--index-version', v);
      return `index ${v}`;
    }
    case 11: {
      const blobs = CONTENT.map((c) => r.gitResult(['hash-object', '-w', '--stdin'], { input: c }).stdout.trim());
      const path = pick(['a.txt', 'd/c.txt', 'u.txt']);
      git('update-index', '--force-remove', '--', path);
      r.gitResult(['update-index', '--index-info'], { input: [1, 2, 3].filter(() => rand() < 0.8).map((s) => `100644 ${pick(blobs)} ${s}\t${path}\n`).join('') });
      return `unmerged ${path}`;
    }
    case 12: {
      const to = pick(NAMES);
      const res = git('mv', '-f', '--', name, to);
      return `mv ${JSON.stringify(name)} ${JSON.stringify(to)}: ${res.code}`;
    }
    case 13:
      writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), RAW]), pick(CONTENT));
      return 'write non-UTF-8 name';
    case 14:
      r.write(pick(['.gitignore', '.git/info/exclude']), `${['*.md', 'd/', 'u/', '*.log', 'cfg.ini'].filter(() => rand() < 0.3).join('\n')}\n`);
      return 'ignore rules';
    case 15:
      r.write(`u/n${Math.floor(rand() * 3)}.${pick(['txt', 'md', 'log'])}`, pick(CONTENT));
      return 'untracked file';
    case 16:
      git('reset', '-q');
      return 'reset';
    case 17: {
      // Many paths at once: past the journal's limit, a new base is written.
      for (let i = 0; i < 300; i++) r.write(`many/f${i}.txt`, `${i} ${pick(CONTENT)}`);
      if (rand() < 0.5) git('add', '-A');
      return 'many files';
    }
    case 18:
      rmSync(r.path('many'), { recursive: true, force: true });
      return 'many files removed';
    case 19: {
      // A submodule entry (gitlink) with no checkout: a path no per-file check is given.
      const head = r.gitResult(['rev-parse', 'HEAD']).stdout.trim();
      git('update-index', '--add', '--cacheinfo', `160000,${head},${pick(['mod', 'd/mod.txt'])}`);
      return 'submodule entry';
    }
    default:
      return damage(r, rand);
  }
}

/** The base's files damaged, swapped or removed: a base read wrong would show as a digest that differs. */
function damage(r: Repo, rand: () => number): string {
  const dir = join(r.dir, '.git', 'heph');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.startsWith('inputs-'));
  } catch {
    return 'nothing to damage';
  }
  if (!files.length) return 'nothing to damage';
  const f = join(dir, files[Math.floor(rand() * files.length)]);
  const how = Math.floor(rand() * 4);
  const buf = readFileSync(f);
  if (how === 0) writeFileSync(f, buf.subarray(0, Math.floor(buf.length * rand())));
  else if (how === 1) {
    const at = Math.floor(buf.length * rand());
    buf[at] ^= 0x20;
    writeFileSync(f, buf);
  } else if (how === 2) rmSync(f);
  else {
    // The other source's base (or journal) in this one's place.
    const other = f.includes('-index') ? f.replace('-index', '-worktree') : f.replace('-worktree', '-index');
    try {
      writeFileSync(f, readFileSync(other));
    } catch {
      rmSync(f);
    }
  }
  return `damaged ${f.split('/').pop()} (${how})`;
}

interface Seen {
  digest: string;
  ids: Map<string, string>;
}

const SELECTIONS: [string[], boolean][] = [
  [['**/*.txt'], false],
  [['**/*.txt', 'lnk'], true],
  [['d/**', '!**/*.md'], false],
];

let named = 0;
let selections = 0;
let certified = 0;
let patched = 0;
let lists = 0;

async function compare(r: Repo, source: SnapshotSource, seen: Map<string, Seen>, label: string): Promise<void> {
  const dir = join(r.dir, '.git', 'heph');
  mkdirSync(dir, { recursive: true });
  const theirs = await readSnapshot({ root: r.dir, source });
  const scratch = new InputHasher(theirs);
  const mine = await readSnapshot({ root: r.dir, source, gitDir: join(r.dir, '.git'), factsDir: dir });
  if (mine.contentKey() === null) return;
  const base = InputBase.open(dir, mine, FORMAT_VERSION);
  const hasher = new InputHasher(mine, undefined, base);
  for (const [globs, exclude] of LISTS) {
    const key = `${source} ${JSON.stringify([globs, exclude])}`;
    const want = scratch.digest(globs, exclude);
    const got = hasher.digest(globs, exclude);
    const what = `${label}: ${key}`;
    assert.is(got.digest, want.digest, `${what}: digest`);
    assert.is(got.count, want.count, `${what}: count`);
    assert.is(got.cacheable, want.cacheable, `${what}: cacheable`);
    lists++;
    if (got.since) patched++;
    const ids = new Map(want.paths().map((p) => [p, JSON.stringify(theirs.identity(p))]));
    const prev = seen.get(key);
    if (prev && prev.digest !== want.digest) {
      const names = got.since?.(prev.digest);
      if (names) {
        named++;
        const real = [...new Set([...prev.ids.keys(), ...ids.keys()])].filter((p) => prev.ids.get(p) !== ids.get(p)).sort();
        assert.equal(names, real, `${what}: changed inputs named`);
      }
    }
    seen.set(key, { digest: want.digest, ids });
  }
  // The default selection of a per-file check: tracked files on disk matching, regular unless symlinks are asked for.
  for (const [files, symlinks] of SELECTIONS) {
    const key = `select\0${files.join('\0')}\0${symlinks ? 1 : 0}`;
    const m = compileGlobs(files);
    const want = theirs.tracked.filter((p) => m(p) && !theirs.isDeleted(p)).filter((p) => {
      const mode = theirs.identity(p).mode;
      return (symlinks || mode !== '120000') && mode !== '160000' && mode !== '040000';
    });
    const what = `${label}: selection ${key}`;
    const ids = new Map(want.map((p) => [p, JSON.stringify(theirs.identity(p))]));
    // As a pass certifying the selection whole records it: its digest seeded with the check's fingerprint.
    const seeded = scratch.listDigest(want, 'seed\n').digest;
    const prev = seen.get(key);
    seen.set(key, { digest: seeded, ids });
    const got = hasher.selectFromBase(key, files, symlinks);
    if (!got) {
      hasher.keepSelection(key, want);
      base.seeded(key, seeded);
      continue;
    }
    selections++;
    assert.equal(got.files(), want, `${what}: files`);
    assert.is(got.count, want.length, `${what}: count`);
    assert.is(listDigest(got.list, 'seed\n'), seeded, `${what}: digest`);
    base.seeded(key, seeded);
    if (!prev) continue;
    const lookedUp = got.since([prev.digest]);
    if (!lookedUp) continue;
    certified++;
    // Every selected file not certified with that selection (new to it, or with other content) is looked up again.
    for (const p of want) if (prev.ids.get(p) !== ids.get(p)) assert.ok(lookedUp.includes(p), `${what}: ${JSON.stringify(p)} is not certified by the last selection but is not looked up`);
  }
  mine.remember?.();
  base.save();
}

for (const seed of SEEDS) {
  test(`seed ${seed}: input lists patched from the last snapshot equal the lists made from scratch`, async () => {
    const r = repo();
    const rand = rng(seed * 13 + 5);
    for (const n of NAMES.slice(0, 8)) r.write(n, 'one\n');
    r.commitAll('init');
    const seen = new Map<string, Seen>();
    const trail: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      trail.push(mutate(r, rand));
      const sources: SnapshotSource[] = rand() < 0.7 ? ['worktree', 'index'] : ['index', 'worktree'];
      for (const source of sources) await compare(r, source, seen, `seed ${seed} step ${step} ${source}: ${trail.join(' / ')}`);
    }
  });
}

test('most lists were patched from a base, and changed inputs named from it', () => {
  if (process.env.HEPH_BASE_TALLY) console.log({ lists, patched, named, selections, certified });
  assert.ok(patched > lists / 2, `patched ${patched} of ${lists} lists`);
  assert.ok(named > SEEDS.length * 10, `named ${named} times`);
  assert.ok(selections > SEEDS.length * 20, `selections patched ${selections} times`);
  assert.ok(certified > SEEDS.length * 20, `selections looked up from a certified one ${certified} times`);
});

test.run();
