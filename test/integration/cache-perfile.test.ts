import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, statuses, repoPool } from '../helpers/repo.js';

const repo = repoPool(test);
const N = 2000;

/** N text files and a per-file check that records the files it is given and fails on BAD. */
function bigRepo(extra: object = {}) {
  const r = repo();
  const lint = r.counter('lint');
  for (let i = 0; i < N; i++) r.write(`src/d${i % 20}/f${i}.txt`, `file ${i}\n`);
  r.write('lint.cfg', 'strict\n');
  r.config({
    phases: [{ name: 'quality', checks: [{ name: 'lint', shell: true, run: `${lint} {files} && ! grep -l BAD {files}`, files: ['*.txt'], inputs: ['*.txt', 'lint.cfg'], ...extra }] }],
  });
  r.commitAll('init');
  return r;
}

const lintStatus = (r: Repo, args: string[]) => {
  const res = r.hephJson(args);
  return { status: statuses(res.report)['quality/lint'], check: res.report.checks[0], code: res.code };
};

test('2,000 files, edit 1: the check is given exactly that file; the dry run says so', () => {
  const r = bigRepo();
  assert.is(lintStatus(r, ['run']).status, 'passed');
  assert.is(r.callArgs('lint')[0].length, N);
  r.write('src/d3/f3.txt', 'edited\n');
  const dry = r.heph(['run', '--fast', '--dry-run']);
  assert.match(dry.stdout, /quality\/lint\s+would run 1 of 2,000 files changed: src\/d3\/f3\.txt \[1 file of 2000\]/);
  assert.is(lintStatus(r, ['run', '--fast']).status, 'passed');
  assert.equal(r.callArgs('lint').at(-1), ['src/d3/f3.txt']);
  const again = lintStatus(r, ['run', '--fast']);
  assert.is(again.status, 'cached');
  assert.match(again.check.reason, /^cached \S+ ago \(all 2,000 files\)$/);
  assert.is(r.calls('lint'), 2);
  const st = JSON.parse(r.heph(['status', '--json']).stdout).checks[0];
  assert.equal(st.files, { total: N, uncertified: 0 });
});

test('pre-commit of 2 staged files certifies them: heph run --fast then runs nothing', () => {
  const r = bigRepo();
  r.heph(['run']);
  r.write('src/d1/f1.txt', 'one\n').write('src/d2/f2.txt', 'two\n').git('add', '-A');
  const hook = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(hook.code, 0, hook.stderr);
  assert.equal(r.callArgs('lint').at(-1)!.sort(), ['src/d1/f1.txt', 'src/d2/f2.txt']);
  assert.is(lintStatus(r, ['run', '--fast']).status, 'cached');
  assert.is(r.calls('lint'), 2, 'the check is not run at all');
  // And the other way round: files a run certified are not re-checked by the hook.
  r.write('src/d5/f5.txt', 'five\n');
  assert.is(lintStatus(r, ['run', '--fast']).status, 'passed');
  r.git('add', '-A');
  assert.is(statuses(r.hephJson(['hook', 'run', 'pre-commit']).report)['quality/lint'], 'cached');
});

test('a shared input changed: every file runs again', () => {
  const r = bigRepo();
  r.heph(['run']);
  r.write('lint.cfg', 'lenient\n');
  const res = lintStatus(r, ['run', '--fast']);
  assert.is(res.status, 'passed');
  assert.is(res.check.reason, 'inputs changed: lint.cfg');
  assert.is(r.callArgs('lint').at(-1)!.length, N);
});

test('a failure certifies nothing; the files that passed before stay certified', () => {
  const r = bigRepo();
  r.heph(['run']);
  r.write('src/d0/f0.txt', 'BAD\n').write('src/d1/f1.txt', 'fine now\n');
  assert.is(lintStatus(r, ['run', '--fast']).status, 'failed');
  const again = lintStatus(r, ['run', '--fast']);
  assert.is(again.status, 'failed', 'a failing file is never cached');
  assert.equal(r.callArgs('lint').at(-1)!.sort(), ['src/d0/f0.txt', 'src/d1/f1.txt'], 'the failing run certified neither file');
  r.write('src/d0/f0.txt', 'good\n');
  assert.is(lintStatus(r, ['run', '--fast']).status, 'passed');
  assert.is(lintStatus(r, ['run', '--fast']).status, 'cached');
});

test('"incremental": false keeps whole-check caching: one changed file re-runs all', () => {
  const r = bigRepo({ incremental: false });
  r.heph(['run']);
  r.write('src/d3/f3.txt', 'edited\n');
  const res = lintStatus(r, ['run', '--fast']);
  assert.match(res.check.reason, /inputs changed: src\/d3\/f3\.txt/);
  assert.is(r.callArgs('lint').at(-1)!.length, N);
});

test('a fixed file is certified under the content the fix wrote, not the content it failed on', () => {
  const r = repo();
  const lint = r.counter('lint');
  r.write('a.txt', 'ok\n').write('b.txt', 'ok\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'lint', shell: true, run: `${lint} {files} && ! grep -l lower {files}`, fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] }] }] });
  r.commitAll('init');
  r.heph(['run']);
  r.write('a.txt', 'lower\n');
  const fixed = r.hephJson(['run', '--fast']);
  assert.is(statuses(fixed.report)['q/lint'], 'fixed');
  assert.is(r.read('a.txt'), 'UPPER\n');
  const calls = r.calls('lint');
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['q/lint'], 'cached', 'the fixed content is certified');
  r.write('a.txt', 'lower\n');
  assert.is(statuses(r.hephJson(['run', '--fast', '--no-fix']).report)['q/lint'], 'failed', 'the pre-fix content never was');
  assert.is(r.calls('lint'), calls + 1);
});

test('cache clear forgets a check\'s certifications with its result', () => {
  const r = bigRepo();
  r.heph(['run']);
  assert.is(lintStatus(r, ['run', '--fast']).status, 'cached');
  assert.is(r.heph(['cache', 'clear', 'lint']).code, 0);
  assert.is(lintStatus(r, ['run', '--fast']).status, 'passed');
  assert.is(r.callArgs('lint').at(-1)!.length, N, 'every file runs again');
});

test.run();
