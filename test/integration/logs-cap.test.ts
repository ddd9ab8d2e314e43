/** A check that prints without end leaves a bounded run log that still shows its beginning and its end. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { repoPool } from '../helpers/repo.js';

const repo = repoPool(test);

test('each check command keeps at most the first and last MiB of output, and says what was cut', () => {
  const r = repo();
  const noisy = 'echo FIRST-LINE; yes 0123456789abcdef | head -n 500000; echo LAST-LINE; exit 3';
  r.config({ phases: [{ name: 'p', checks: [{ name: 'noisy', shell: true, run: noisy }, { name: 'quiet', shell: true, run: 'echo QUIET-OUTPUT' }] }] });
  r.commitAll();
  const { code, report } = r.hephJson(['run']);
  assert.is(code, 1);
  const log = report.log as string;
  assert.ok(statSync(log).size < 4 * 1024 * 1024, `the log is ${statSync(log).size} bytes for 8.5 MB of output`);
  const text = readFileSync(log, 'utf8');
  assert.match(text, /\[p\/noisy\] FIRST-LINE/);
  assert.match(text, /\[p\/noisy\] LAST-LINE/);
  assert.match(text, /\[p\/noisy\] \[heph: \d+ characters \(\d+ lines\) of output cut here/);
  assert.match(text, /\[p\/quiet\] QUIET-OUTPUT/);
  assert.match(r.heph(['run']).stdout, /LAST-LINE/, 'the failure tail is the real end of the output');
});

test.run();
