/**
 * Input digests remembered by snapshot content (state/digest-memo.ts): an
 * unchanged snapshot reuses them, and every change git's lists alone do not
 * show (an untracked file's or a modified file's new content, an ignored
 * literal input) still reaches the fingerprint.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, statuses, repoPool } from '../helpers/repo.js';
import { checksum } from '../../lib/state/digest-memo.js';

const repo = repoPool(test);

function setup() {
  const r = repo();
  const types = r.counter('types');
  const lint = r.counter('lint');
  r.write('a.ts', 'a\n').write('b.ts', 'b\n').write('notes.md', 'n\n').write('.gitignore', '.env\n').write('.env', 'K=1\n');
  r.config({
    phases: [
      {
        name: 'quality',
        checks: [
          { name: 'types', run: types, inputs: ['**/*.ts'] },
          { name: 'lint', run: `${lint} {files}`, files: ['*.ts'] },
          { name: 'env', run: r.counter('env'), inputs: ['.env', '*.md'] },
        ],
      },
    ],
  });
  r.commitAll('init');
  return r;
}

const fast = (r: Repo) => statuses(r.hephJson(['run', '--fast']).report);
const memoFile = (r: Repo) => join(r.dir, '.git', 'heph', 'digests.json');

test('the same snapshot twice: the second run takes its digests from the memo, and everything is cached', () => {
  const r = setup();
  assert.equal(fast(r), { 'quality/types': 'passed', 'quality/lint': 'passed', 'quality/env': 'passed' });
  assert.ok(existsSync(memoFile(r)), 'the memo is written');
  assert.equal(fast(r), { 'quality/types': 'cached', 'quality/lint': 'cached', 'quality/env': 'cached' });
  assert.is(r.calls('types'), 1);
});

test('an untracked file edited (same list of names): the check runs again', () => {
  const r = setup();
  r.write('new.ts', 'one\n');
  fast(r);
  assert.equal(fast(r)['quality/types'], 'cached');
  r.write('new.ts', 'two\n');
  assert.equal(fast(r)['quality/types'], 'passed');
  assert.is(r.calls('types'), 2);
});

test('a modified file modified again (still the only changed file): both checks run again on it', () => {
  const r = setup();
  r.write('a.ts', 'first edit\n');
  fast(r);
  assert.equal(fast(r), { 'quality/types': 'cached', 'quality/lint': 'cached', 'quality/env': 'cached' });
  r.write('a.ts', 'second edit\n');
  assert.equal(fast(r), { 'quality/types': 'passed', 'quality/lint': 'passed', 'quality/env': 'cached' });
  assert.equal(r.callArgs('lint').at(-1), ['a.ts']);
});

test('an ignored file named literally in inputs changes: the check runs again', () => {
  const r = setup();
  fast(r);
  assert.equal(fast(r)['quality/env'], 'cached');
  r.write('.env', 'K=2\n');
  assert.equal(fast(r)['quality/env'], 'passed');
});

test('a damaged memo is ignored and written again; results stay right', () => {
  const r = setup();
  fast(r);
  for (const junk of ['{', '{"v":2,"entries":[{"key":"x","digests":null}]}', '[]', '\0\0\0']) {
    writeFileSync(memoFile(r), junk);
    assert.equal(fast(r), { 'quality/types': 'cached', 'quality/lint': 'cached', 'quality/env': 'cached' });
    r.write('b.ts', `b ${junk.length}\n`);
    assert.equal(fast(r), { 'quality/types': 'passed', 'quality/lint': 'passed', 'quality/env': 'cached' }, junk);
  }
  assert.ok(JSON.parse(readFileSync(memoFile(r), 'utf8')).entries.length > 0);
});

test('the memo is what an unchanged snapshot is planned from (a digest altered in it makes the check run)', () => {
  const r = setup();
  r.config({ phases: [{ name: 'quality', checks: [{ name: 'types', run: r.counter('types'), inputs: ['**/*.ts'] }] }] });
  r.commitAll('config');
  fast(r);
  assert.equal(fast(r)['quality/types'], 'cached');
  const memo = JSON.parse(readFileSync(memoFile(r), 'utf8'));
  for (const e of memo.entries) for (const k of Object.keys(e.digests)) e.digests[k][0] = '0'.repeat(64);
  // Sealed again as heph would (an altered file whose seal does not match is ignored instead).
  memo.sum = checksum(memo.v, JSON.stringify(memo.entries));
  writeFileSync(memoFile(r), JSON.stringify(memo));
  assert.equal(fast(r)['quality/types'], 'passed');
});

test('a reused selection is listed when a fix of the run changes its files: the cached check runs again on them', () => {
  const r = setup();
  const fixer = r.counter('fixer');
  r.config({
    phases: [
      {
        name: 'quality',
        checks: [
          { name: 'lint', run: `${r.counter('lint')} {files}`, files: ['*.ts'] },
          { name: 'fmt', shell: true, run: `${fixer} {files} && ! grep -l BAD {files}`, fix: "sed -i 's/BAD/good/' {files}", files: ['*.ts'] },
        ],
      },
    ],
  });
  r.write('a.ts', 'BAD\n').commitAll('bad');
  assert.equal(statuses(r.hephJson(['run', '--no-fix']).report), { 'quality/lint': 'passed', 'quality/fmt': 'failed' });
  // Same snapshot: the memo knows the selection, lint is cached without listing it, fmt runs and fixes a.ts.
  const res = statuses(r.hephJson(['run', '--fast']).report);
  assert.is(res['quality/fmt'], 'fixed');
  assert.is(res['quality/lint'], 'passed', 'lint ran again on what the fix wrote');
  assert.equal(r.callArgs('lint').at(-1), ['a.ts']);
  assert.is(r.read('a.ts'), 'good\n');
});

test('staged or not, the same content has the same digest: run --fast, git add, then the pre-commit reuses the whole-project result', () => {
  const r = setup();
  r.config({ phases: [{ name: 'quality', checks: [{ name: 'types', run: r.counter('types'), inputs: ['**/*.ts'] }] }], hooks: { 'pre-commit': { phases: ['quality'] } } });
  r.commitAll('config');
  r.write('a.ts', 'edited\n');
  fast(r);
  r.git('add', 'a.ts');
  assert.equal(statuses(r.hephJson(['hook', 'run', 'pre-commit']).report)['quality/types'], 'cached');
  assert.is(r.calls('types'), 1);
});

test.run();
