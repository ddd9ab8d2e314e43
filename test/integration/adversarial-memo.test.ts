/**
 * Attacks on the digest memo (state/digest-memo.ts) and the snapshot's content
 * key: damage to the memo file (even damage that still parses), files the key
 * cannot or should not hash, files git is told not to look at, one state folder
 * for clones and worktrees, a memo written by another heph build. The seeded
 * property test is in adversarial-memo-property.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, ROOT, sh, statuses, repoPool } from '../helpers/repo.js';
import { checksum } from '../../lib/state/digest-memo.js';

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

test.run();
