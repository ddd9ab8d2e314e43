import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureTail, isErrorLine, TAIL_MAX_LINES } from '../../lib/report/tail.js';

/** node --test's output for a failing suite: the error early, then a long run of passing tests, then the summary. */
function nodeTestOutput(passing: number): string {
  const out = ['TAP version 13', '# Subtest: loads the config', 'not ok 1 - loads the config', '  ---', '  duration_ms: 1.2', "  failureType: 'testCodeFailure'", "  error: 'configx is not defined'", "  code: 'ERR_TEST_FAILURE'", '  stack: |-', '    ReferenceError: configx is not defined', '        at TestContext.<anonymous> (file:///app/test/config.test.js:4:3)', '  ...'];
  for (let i = 0; i < passing; i++) out.push(`# Subtest: case ${i}`, `ok ${i + 2} - case ${i}`, '  ---', '  duration_ms: 0.3', '  ...');
  out.push(`1..${passing + 1}`, `# tests ${passing + 1}`, `# pass ${passing}`, '# fail 1', '# cancelled 0', '# skipped 0', '# todo 0', '# duration_ms 812.5');
  return out.join('\n') + '\n';
}

test('a short output is shown whole', () => {
  assert.is(failureTail('a\nb\nerror: c\n\n'), 'a\nb\nerror: c');
});

test("node's test runner: the ReferenceError and the failing test's name are shown, and the summary", () => {
  const tail = failureTail(nodeTestOutput(200));
  assert.match(tail, /not ok 1 - loads the config/);
  assert.match(tail, /ReferenceError: configx is not defined/);
  assert.match(tail, /# fail 1/);
  assert.match(tail, /… \d+ lines …/);
  assert.ok(tail.split('\n').length <= TAIL_MAX_LINES, tail);
});

test('many error lines stay within the bound; the end is always there', () => {
  const out = Array.from({ length: 500 }, (_, i) => `src/f${i}.ts(1,1): error TS2322: Type 'string' is not assignable`).join('\n') + '\nFound 500 errors in 500 files.\n';
  const tail = failureTail(out);
  assert.ok(tail.split('\n').length <= TAIL_MAX_LINES, String(tail.split('\n').length));
  assert.match(tail, /^src\/f0\.ts/);
  assert.match(tail, /Found 500 errors in 500 files\.$/);
});

test('a Python traceback and pytest failure lines are found', () => {
  const noise = Array.from({ length: 100 }, (_, i) => `tests/test_${i}.py .`);
  const out = [...noise.slice(0, 50), 'Traceback (most recent call last):', '  File "app.py", line 3, in <module>', 'ImportError: cannot import name x', ...noise.slice(50), 'FAILED tests/test_a.py::test_b - assert 1 == 2', '1 failed, 99 passed in 0.5s'].join('\n');
  const tail = failureTail(out);
  assert.match(tail, /Traceback/);
  assert.match(tail, /ImportError: cannot import name x/);
  assert.match(tail, /FAILED tests\/test_a\.py/);
});

test('counts of nothing are not errors; long lines are cut', () => {
  assert.not.ok(isErrorLine('Found 0 errors. Watching for file changes.'));
  assert.not.ok(isErrorLine('errors: 0'));
  assert.not.ok(isErrorLine('compiled without errors'));
  assert.ok(isErrorLine('error: something'));
  assert.ok(isErrorLine('  ✖ 3 problems (3 errors, 0 warnings)'));
  assert.ok(isErrorLine('FAIL src/a.test.ts'));
  const long = 'x'.repeat(5000);
  assert.ok(failureTail(long).length < 400);
});

test.run();
