/**
 * Attacks on the digest memo (state/digest-memo.ts) and the snapshot's content
 * key: damage to the memo file, files the key cannot hash, and a seeded
 * property test of random edits git's lists do and do not show (content, modes,
 * symlinks, untracked directories, ignore rules in .gitignore, info/exclude and
 * core.excludesFile, staging, commits, fixes, memo damage) interleaved with
 * `heph run --fast` and pre-commit. After every run, each check reported green
 * is run for real on what is on disk: it must pass, and a red one must fail.
 * HEPH_MEMO_SEED picks another seed; HEPH_MEMO_STEPS runs longer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync, existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, ROOT, sh, statuses, repoPool } from '../helpers/repo.js';
import { checksum } from '../../lib/state/digest-memo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const memoFile = (r: Repo) => join(r.dir, '.git', 'heph', 'digests.json');
const fast = (r: Repo, more: string[] = []) => {
  const res = r.hephJson(['run', '--fast', ...more]);
  assert.not.match(res.stderr, /unexpected error|\n\s+at /, res.stderr);
  return statuses(res.report);
};

function small(r: Repo) {
  r.write('a.ts', 'a\n').write('b.ts', 'b\n');
  r.config({
    phases: [
      {
        name: 'q',
        checks: [
          { name: 'types', run: r.counter('types'), inputs: ['*.ts'] },
          { name: 'lint', run: `${r.counter('lint')} {files}`, files: ['*.ts'] },
        ],
      },
    ],
  });
  return r.commitAll('init');
}

test('an untracked file no check reads and that cannot be hashed (over 2 GiB): the run still works, from the memo or not', () => {
  const r = small(repo());
  assert.equal(fast(r), { 'q/types': 'passed', 'q/lint': 'passed' });
  // A sparse file: no disk space used, but too large for one read.
  const fd = openSync(r.path('dump.bin'), 'w');
  ftruncateSync(fd, 2 ** 31 + 10);
  closeSync(fd);
  const res = r.hephJson(['run', '--fast']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(statuses(res.report), { 'q/types': 'cached', 'q/lint': 'cached' });
  r.write('a.ts', 'changed\n');
  assert.equal(fast(r), { 'q/types': 'passed', 'q/lint': 'passed' });
});

test('a large untracked file no check reads is not read to make a content key (that snapshot simply has no memo entry)', () => {
  const r = small(repo());
  fast(r);
  const entries = () => (JSON.parse(readFileSync(memoFile(r), 'utf8')) as { entries: unknown[] }).entries.length;
  assert.is(entries(), 1);
  // Sparse: large to read, nothing on disk. Hashing it on every run would cost what no check asked for.
  const fd = openSync(r.path('dump.bin'), 'w');
  ftruncateSync(fd, 200 * 1024 * 1024);
  closeSync(fd);
  assert.equal(fast(r), { 'q/types': 'cached', 'q/lint': 'cached' });
  assert.is(entries(), 1, 'no key was made for the snapshot holding the large file');
  r.write('a.ts', 'changed\n');
  assert.equal(fast(r), { 'q/types': 'passed', 'q/lint': 'passed' });
  assert.equal(fast(r), { 'q/types': 'cached', 'q/lint': 'cached' });
});

test('a memo whose rows are valid JSON but altered (a selection size, a digest) is ignored: no check skipped or crashed on it', () => {
  const r = small(repo());
  fast(r);
  assert.equal(fast(r), { 'q/types': 'cached', 'q/lint': 'cached' });
  const original = readFileSync(memoFile(r), 'utf8');
  for (const [i, value] of [[1, 0], [1, -1], [1, 2.5], [1, 1e12], [0, 'not a digest']] as const) {
    const memo = JSON.parse(original);
    for (const e of memo.entries) for (const k of Object.keys(e.digests)) e.digests[k][i] = value;
    writeFileSync(memoFile(r), JSON.stringify(memo));
    const got = fast(r);
    assert.equal(got, { 'q/types': 'cached', 'q/lint': 'cached' }, `row field ${i} = ${value}`);
  }
  assert.is(r.calls('lint'), 1);
});

test('digests.json replaced by a directory or a dangling symlink: runs stay right and leave no temporary files behind', () => {
  const r = small(repo());
  fast(r);
  const heph = join(r.dir, '.git', 'heph');
  rmSync(memoFile(r));
  mkdirSync(memoFile(r));
  for (let i = 0; i < 3; i++) {
    r.write('a.ts', `edit ${i}\n`);
    assert.equal(fast(r), { 'q/types': 'passed', 'q/lint': 'passed' });
  }
  assert.equal(readdirSync(heph).filter((f) => f.includes('.tmp')), [], 'no temporary memo files are left');
  rmSync(memoFile(r), { recursive: true });
  symlinkSync(join(r.base, 'nowhere', 'digests.json'), memoFile(r));
  r.write('a.ts', 'again\n');
  assert.equal(fast(r), { 'q/types': 'passed', 'q/lint': 'passed' });
  assert.equal(fast(r), { 'q/types': 'cached', 'q/lint': 'cached' });
});

test('a tracked file git is told not to look at (assume-unchanged, skip-worktree) and edited anyway: its new content is what the checks are keyed on', () => {
  const r = repo();
  r.write('a.txt', 'fine\n').write('b.txt', 'fine\n').write('c.txt', 'fine\n');
  r.config({
    phases: [
      {
        name: 'q',
        checks: [
          { name: 'each', shell: true, run: '! grep -l -e BAD -- {files}', files: ['*.txt'] },
          { name: 'whole', shell: true, run: '! grep -q -e BAD -- *.txt', inputs: ['*.txt'] },
        ],
      },
    ],
  });
  r.commitAll('init');
  assert.equal(fast(r), { 'q/each': 'passed', 'q/whole': 'passed' });
  r.git('update-index', '--assume-unchanged', 'a.txt');
  r.git('update-index', '--skip-worktree', 'b.txt');
  r.write('a.txt', 'BAD\n');
  assert.equal(fast(r), { 'q/each': 'failed', 'q/whole': 'failed' }, 'assume-unchanged');
  r.write('a.txt', 'fine\n').write('b.txt', 'BAD\n');
  assert.equal(fast(r), { 'q/each': 'failed', 'q/whole': 'failed' }, 'skip-worktree');
  r.write('b.txt', 'fine\n');
  // Back to the content of the first run: each file's certification from then still holds.
  assert.equal(fast(r), { 'q/each': 'cached', 'q/whole': 'passed' });
  assert.equal(fast(r), { 'q/each': 'cached', 'q/whole': 'cached' });
  // A skip-worktree file absent from disk is a sparse checkout's, not a deletion: nothing to check, nothing crashes.
  r.remove('c.txt');
  r.git('update-index', '--skip-worktree', 'c.txt');
  const got = fast(r);
  assert.ok(['passed', 'cached'].includes(got['q/whole']), JSON.stringify(got));
});

test('one HEPH_HOME for two clones and a linked worktree with different content: each is judged on its own files', () => {
  const a = repo();
  a.write('a.txt', 'fine\n');
  a.config({ phases: [{ name: 'q', checks: [{ name: 'each', shell: true, run: '! grep -l -e BAD -- {files}', files: ['*.txt'] }, { name: 'whole', shell: true, run: '! grep -rq --exclude-dir=.git -e BA[D]2 .' }] }] });
  a.commitAll('init');
  const clone = join(a.base, 'clone');
  const wt = join(a.base, 'wt');
  a.git('clone', '-q', a.dir, clone);
  a.git('worktree', 'add', '-q', wt);
  const home = join(a.base, 'home');
  const green = (s: string) => s === 'passed' || s === 'cached';
  const run = (dir: string) => {
    const got = statuses(a.hephJson(['run', '--fast'], { cwd: dir, env: { HEPH_HOME: home } }).report);
    return [green(got['q/each']), green(got['q/whole'])];
  };
  assert.equal(run(a.dir), [true, true]);
  assert.equal(run(clone), [true, true]);
  writeFileSync(join(clone, 'a.txt'), 'BAD2\n');
  writeFileSync(join(wt, 'a.txt'), 'BAD\n');
  for (let i = 0; i < 3; i++) {
    assert.equal(run(clone), [false, false], `clone, round ${i}`);
    assert.equal(run(a.dir), [true, true], `first clone, round ${i}`);
    assert.equal(run(wt), [false, true], `worktree, round ${i}`);
  }
});

/** A copy of the built CLI that calls itself another version: the same code, as an upgrade would look on disk. */
function otherBuild(): string {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(ROOT, 'build', `dist-other-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    writeFileSync(join(dir, f), text.replaceAll(JSON.stringify(version), JSON.stringify(`${version}-other`)));
  }
  return join(dir, 'cli.cjs');
}

test('digests remembered by another heph build are not used by this one (it may select other paths for the same globs)', () => {
  const r = small(repo());
  const other = otherBuild();
  try {
    const runOther = () => sh(process.execPath, [other, 'run', '--fast', '--json'], { cwd: r.dir, env: r.env });
    assert.equal(statuses(JSON.parse(runOther().stdout)), { 'q/types': 'passed', 'q/lint': 'passed' });
    // What the other build remembered is made to differ from what this build would compute, as a
    // change in path selection between the two would: sealed as that build seals it.
    const memo = JSON.parse(readFileSync(memoFile(r), 'utf8'));
    for (const e of memo.entries) for (const k of Object.keys(e.digests)) if (!k.startsWith('select')) e.digests[k][0] = 'f'.repeat(64);
    memo.sum = checksum(memo.v, JSON.stringify(memo.entries));
    writeFileSync(memoFile(r), JSON.stringify(memo));
    assert.equal(fast(r), { 'q/types': 'cached', 'q/lint': 'cached' }, 'this build computes its own digests');
  } finally {
    rmSync(join(other, '..'), { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Property test.

const STEPS = Number(process.env.HEPH_MEMO_STEPS ?? 45);
const SEEDS = process.env.HEPH_MEMO_SEED ? [Number(process.env.HEPH_MEMO_SEED)] : [11, 12];

/** Every selected file of a files check, as heph selects them: tracked, present, regular (no symlink). */
const EACH = (test: string) => `git ls-files -z -- "$0" | xargs -0 -r sh -c 'for f; do if [ -f "$f" ] && [ ! -L "$f" ] && { ${test}; }; then exit 1; fi; done; exit 0' x`;

const CHECKS = [
  // Phase a: a per-file check, then a fixer of the same files whose fix writes what the first one rejects.
  { phase: 'a', check: { name: 'txt', shell: true, run: '! grep -l -e BAD -- {files}', files: ['**/*.txt'] }, truth: ['*.txt', 'grep -q -e BAD -- "$f"'] },
  { phase: 'a', check: { name: 'tl', shell: true, run: '! grep -l -e lower -- {files}', fix: "sed -i -e 's/lower/BAD/' -e 's/BAD$/&2/' -- {files}", files: ['**/*.txt'] }, truth: ['*.txt', 'grep -q -e lower -- "$f"'] },
  // Per-file with a shared input.
  {
    phase: 'a',
    check: { name: 'md', shell: true, run: 'for f in {files}; do if grep -q STRICT cfg.ini && grep -q -e lax -- "$f"; then exit 1; fi; done', files: ['**/*.md'], inputs: ['**/*.md', 'cfg.ini'] },
    truth: ['*.md', 'grep -q STRICT cfg.ini 2>/dev/null && grep -q -e lax -- "$f"'],
  },
  // (.heph.json itself is among what `all` reads: no command here spells its pattern whole.)
  // Phase b: whole-repository checks over what git lists (so ignore rules matter), modes and symlink targets.
  { phase: 'b', check: { name: 'all', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl -e BA[D]2 --)"' } },
  { phase: 'b', check: { name: 'up', shell: true, run: '! grep -l -e lower -- {files}', fix: "sed -i -e 's/lower/BAD/' -e 's/BAD$/&2/' -- {files}", files: ['**/*.up'] }, truth: ['*.up', 'grep -q -e lower -- "$f"'] },
  {
    phase: 'b',
    check: { name: 'sh', shell: true, run: 'for f in {files}; do if [ -x "$f" ] && ! head -1 -- "$f" | grep -q "^#!"; then exit 1; fi; done', files: ['**/*.sh'], incremental: false },
    truth: ['*.sh', '[ -x "$f" ] && ! head -1 -- "$f" | grep -q "^#!"'],
  },
  { phase: 'b', check: { name: 'lnk', shell: true, run: 'for f in $(git ls-files -co --exclude-standard -- "*.lnk"); do case "$(readlink "$f")" in *bad*) exit 1;; esac; done', inputs: ['**/*.lnk'] } },
];

/** The real verdict of a check on the working tree now. */
function truth(r: Repo, c: (typeof CHECKS)[number]): boolean {
  const script = c.truth ? EACH(c.truth[1]) : c.check.run;
  return spawnSync('sh', ['-c', script, c.truth?.[0] ?? 'x'], { cwd: r.dir, env: r.env }).status === 0;
}

const RAW = Buffer.from([0x72, 0xff, 0x2e, 0x74, 0x78, 0x74]); // r\xff.txt: not UTF-8
const NAMES = ['a.txt', 'd/b.txt', 'sp ace.txt', 'nl\nname.txt', '-dash.txt', 'x.md', 'd/e/y.md', 'p.up', 'd/q.up', 'run.sh', 'd/tool.sh', 'notes', 'cfg.ini'];
const CONTENT = ['fine\n', 'BAD\n', 'BAD2\n', 'lower\n', 'upper\n', '# lax\n', '#!/bin/sh\n', 'mode=STRICT\n', 'mode=loose\n', 'x\n'];
/** Content that matters to the checks reading a name, half the time. */
const BY_EXT: Record<string, string[]> = {
  txt: ['fine\n', 'BAD\n', 'lower\n', 'BAD2\n'],
  md: ['# lax\n', '# fine\n'],
  up: ['lower\n', 'upper\n'],
  sh: ['#!/bin/sh\n', 'echo no shebang\n'],
  ini: ['mode=STRICT\n', 'mode=loose\n'],
};
const contentFor = (name: string, rand: () => number): string => {
  const own = BY_EXT[name.split('.').pop()!];
  const pool = own && rand() < 0.5 ? own : CONTENT;
  return pool[Math.floor(rand() * pool.length)];
};
const IGNORES = ['*.log', 'u/', 'ign.txt', '*.md', 'notes', 'd/'];

/** Whether anything is at the path (a dangling or looping symlink too). */
function present(r: Repo, name: string): boolean {
  try {
    lstatSync(r.path(name));
    return true;
  } catch {
    return false;
  }
}

function writeRaw(r: Repo, content: string): void {
  writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), RAW]), content);
}

function damageMemo(r: Repo, how: number): string {
  const f = memoFile(r);
  let memo: any;
  try {
    memo = JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    memo = undefined;
  }
  rmSync(f, { recursive: true, force: true });
  mkdirSync(join(f, '..'), { recursive: true });
  if (how === 0) writeFileSync(f, '{"v":2,"entries":[');
  else if (how === 1) mkdirSync(f);
  else if (how === 2) symlinkSync(join(r.base, 'gone'), f);
  else if (how === 3) writeFileSync(f, Buffer.alloc(64));
  else if (how === 4 && memo) {
    // Still JSON, still the shape: every size altered to 0.
    for (const e of memo.entries ?? []) for (const k of Object.keys(e.digests ?? {})) e.digests[k][1] = 0;
    writeFileSync(f, JSON.stringify(memo));
  }
  return `memo damaged (${how})`;
}

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const op = Math.floor(rand() * 17);
  switch (op) {
    case 0:
    case 1:
    case 2:
      if (present(r, name) && !lstatSync(r.path(name)).isFile()) r.remove(name);
      r.write(name, contentFor(name, rand));
      return `write ${JSON.stringify(name)}`;
    case 3:
      if (!present(r, name)) return 'nothing';
      r.remove(name);
      return `remove ${JSON.stringify(name)}`;
    case 4:
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      r.write(name, r.read(name), pick([0o644, 0o755]));
      return `chmod ${JSON.stringify(name)}`;
    case 5: {
      // A symlink made or retargeted; sometimes over a tracked regular file (a type change).
      const link = pick(['k.lnk', 'd/m.lnk', 'a.txt', 'x.md']);
      rmSync(r.path(link), { recursive: true, force: true });
      mkdirSync(join(r.path(link), '..'), { recursive: true });
      symlinkSync(pick(['good', 'bad', 'p.up', 'a.txt']), r.path(link));
      return `symlink ${link}`;
    }
    case 6:
      r.write(`u/v/n${Math.floor(rand() * 3)}.${pick(['txt', 'md', 'log', 'up'])}`, pick(CONTENT));
      return 'untracked file in an untracked directory';
    case 7: {
      const lines = IGNORES.filter(() => rand() < 0.3);
      const where = pick(['.gitignore', '.git/info/exclude', 'global']);
      if (where === 'global') {
        writeFileSync(join(r.base, 'global-ignore'), lines.join('\n') + '\n');
        r.git('config', 'core.excludesFile', join(r.base, 'global-ignore'));
      } else r.write(where, lines.join('\n') + '\n');
      return `${where}: ${lines.join(' ')}`;
    }
    case 8:
      r.gitResult(['add', '-A']);
      return 'stage all';
    case 9:
      if (!present(r, name)) return 'nothing';
      r.gitResult(['add', '--', name]);
      // Rewritten at once with the same size: the racy-timestamp case git must catch by content.
      if (rand() < 0.5 && lstatSync(r.path(name)).isFile()) {
        const now = r.read(name);
        const same = CONTENT.filter((c) => c.length === now.length && c !== now);
        if (same.length) r.write(name, pick(same));
      }
      return `stage ${JSON.stringify(name)} (then maybe rewritten)`;
    case 10:
      r.gitResult(['add', '-A']);
      r.gitResult(['commit', '-q', '--no-verify', '-m', 'step']);
      return 'commit';
    case 11:
      writeRaw(r, pick(CONTENT));
      return 'write non-UTF-8 name';
    case 12:
      return damageMemo(r, Math.floor(rand() * 5));
    case 13: {
      // A tracked file turned into a directory.
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      r.remove(name);
      r.write(`${name}/inner.txt`, pick(CONTENT));
      return `file to directory ${JSON.stringify(name)}`;
    }
    case 14: {
      // Changed and changed back between two runs (same bytes, new timestamps).
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      const before = r.read(name);
      r.write(name, 'BAD2 lower BAD\n');
      r.hephJson(['run', '--fast', '--no-fix']);
      r.write(name, before);
      return `changed and back ${JSON.stringify(name)}`;
    }
    case 15: {
      // git told not to look at a tracked file (or to look again).
      const flag = pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']);
      r.gitResult(['update-index', flag, '--', name]);
      return `${flag} ${JSON.stringify(name)}`;
    }
    default:
      r.remove('u');
      return 'untracked directory removed';
  }
}

/** How often each check was seen green and red, so the property test cannot pass by never seeing either. */
const outcomes = new Map<string, Set<boolean>>();

function verify(r: Repo, report: { checks: { phase: string; name: string; status: string }[] }, label: string, only?: string[]): void {
  const got = statuses(report);
  for (const c of CHECKS) {
    if (only && !only.includes(c.check.name)) continue;
    const status = got[`${c.phase}/${c.check.name}`];
    if (status === undefined || status === 'not-run') continue;
    const green = ['passed', 'cached', 'fixed', 'skipped'].includes(status);
    const real = truth(r, c);
    if (!outcomes.has(c.check.name)) outcomes.set(c.check.name, new Set());
    outcomes.get(c.check.name)!.add(real);
    const seen = JSON.stringify(report.checks.find((k) => k.phase === c.phase && k.name === c.check.name));
    assert.is(green, real, `${label}: ${c.phase}/${c.check.name} was ${status} but really ${real ? 'passes' : 'fails'}\n${seen}`);
  }
}

for (const seed of SEEDS) {
  test(`seed ${seed}: ${STEPS} random edits git's lists do and do not show, with runs and pre-commits: green is never wrong, red never invented`, () => {
    const r = repo();
    for (const n of NAMES) r.write(n, n.endsWith('.sh') ? '#!/bin/sh\n' : 'fine\n');
    r.write('.gitignore', '*.log\n');
    const phases = ['a', 'b'].map((name) => ({ name, checks: CHECKS.filter((c) => c.phase === name).map((c) => c.check) }));
    r.config({ phases, hooks: { 'pre-commit': { phases: ['a', 'b'] } } });
    r.commitAll('init');
    const rand = rng(seed);
    const history: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      history.push(mutate(r, rand));
      const label = () => `seed ${seed} step ${step}; edits: ${history.join(', ')}`;
      const kind = rand();
      if (kind < 0.2) {
        r.gitResult(['add', '-A']);
        const res = r.hephJson(['hook', 'run', 'pre-commit']);
        assert.not.match(res.stderr, /unexpected error|\n\s+at /, res.stderr);
        history.push('pre-commit');
        // Everything is staged: the whole-repository checks saw what is on disk (unless git was told not
        // to look at some file: then disk and index may differ, and the commit is of the index).
        if (!/^[hsS] /m.test(r.git('ls-files', '-v'))) verify(r, res.report, label(), ['all', 'lnk']);
        continue;
      }
      if (kind < 0.3) {
        const before = existsSync(memoFile(r)) && lstatSync(memoFile(r)).isFile() ? readFileSync(memoFile(r), 'utf8') : null;
        const dry = r.heph(['run', '--fast', '--dry-run']);
        assert.not.match(dry.stderr, /unexpected error|\n\s+at /, dry.stderr);
        const after = existsSync(memoFile(r)) && lstatSync(memoFile(r)).isFile() ? readFileSync(memoFile(r), 'utf8') : null;
        assert.is(after, before, `${label()}: --dry-run wrote the memo`);
        history.push('dry-run');
        continue;
      }
      // A failure in phase a leaves phase b not run: some runs are of phase b alone.
      const args = [...(kind < 0.45 ? ['--no-fix'] : []), ...(rand() < 0.35 ? ['--phase', 'b'] : [])];
      const res = r.hephJson(['run', '--fast', ...args]);
      assert.not.match(res.stderr, /unexpected error|\n\s+at /, res.stderr);
      history.push(`run --fast ${args.join(' ')}`);
      verify(r, res.report, label());
      if (process.env.HEPH_MEMO_TALLY) console.log(step, JSON.stringify(statuses(res.report)));
      if (rand() < 0.35) {
        // The same snapshot again (unless a fix changed it): planned from the memo.
        const again = r.hephJson(['run', '--fast', '--no-fix']);
        history.push('again');
        verify(r, again.report, label());
      }
    }
    const both = [...outcomes].filter(([, o]) => o.size === 2).map(([n]) => n);
    assert.ok(both.length >= 2, `checks seen both passing and failing: ${both.join(', ')}`);
  });
}

test.run();
