import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoPool, statuses } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

const ws = { name: 'whitespace', run: 'heph:trailing-whitespace', fix: 'heph:trailing-whitespace --fix' };
const eof = { name: 'eof', run: 'heph:end-of-file', fix: 'heph:end-of-file --fix', files: ['*.txt'] };
const json = { name: 'json', run: 'heph:json', files: ['*.json'] };

test('built-ins in a commit: only staged files are looked at, fixes are re-staged, a bad file blocks the commit', () => {
  const r = track(hookedRepo([ws, eof, json]));
  r.write('old.txt', 'left alone   \n').commitAll('old'); // committed before: not staged, not looked at
  r.write('a.txt', 'hello  \nworld').write('b.json', '{"ok": true}\n').git('add', 'a.txt', 'b.json');
  let res = commit(r, ['-m', 'a']);
  assert.is(res.code, 0, res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'hello\nworld\n', 'both fixes were applied and re-staged');
  assert.is(r.read('old.txt'), 'left alone   \n');
  r.write('c.json', '{"a": }\n').git('add', 'c.json');
  res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0);
  assert.match(res.stdout + res.stderr, /c\.json:1:\d+: invalid JSON/);
});

test('built-ins are cached like any check: a second run in fast mode reuses the result; a changed file re-runs', () => {
  const r = track(hookedRepo([ws, json]));
  r.write('a.json', '{}\n').write('b.json', '[]\n').commitAll('files');
  let res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(statuses(res.report), { 'quality/whitespace': 'passed', 'quality/json': 'passed' });
  res = r.hephJson(['run', '--fast']);
  assert.equal(statuses(res.report), { 'quality/whitespace': 'cached', 'quality/json': 'cached' });
  r.write('b.json', '[1,]\n');
  res = r.hephJson(['run', '--fast']);
  assert.is(res.code, 1);
  assert.equal(statuses(res.report), { 'quality/whitespace': 'passed', 'quality/json': 'failed' });
  assert.match(r.heph(['logs']).stdout, 'b.json:1:4: invalid JSON');
});

test('an unknown built-in is a config error (exit 2) naming the built-ins', () => {
  const r = track(hookedRepo([ws]));
  r.config({ phases: [{ name: 'q', checks: [{ name: 'x', run: 'heph:trailing-whitespce' }] }] });
  const res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'phases[0].checks[0].run: expected a command, or a built-in check (heph:trailing-whitespace,');
});

test.run();
