/**
 * Attacks on the pre-commit hook through fixes that reach beyond the staged
 * files: a whole-project fix (a check without `files`) rewriting a file whose
 * only changes are unstaged, or one the user deleted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

/** A whole-project check (no `files`): fails while c.md holds BAD; its fix rewrites the first line. */
const project = { name: 'project', shell: true, run: '! grep -q BAD c.md', fix: 'sed -i s/BAD/GOOD/ c.md' };
const full = { hooks: { 'pre-commit': { mode: 'full' } } };

function setup(): Repo {
  const r = track(hookedRepo([project], full));
  r.write('c.md', 'BAD\nline2\nline3\nline4\n').write('a.txt', 'a\n').commitAll('base');
  return r;
}

test('a whole-project fix of a file with only unstaged changes keeps the unstaged edit in place', () => {
  const r = setup();
  r.write('c.md', 'BAD\nline2\nline3\nline4 edited, not staged\n');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  // The edit was not staged, so the commit does not hold it; the working tree must.
  assert.is(show(r, 'HEAD:c.md'), 'BAD\nline2\nline3\nline4\n');
  assert.is(r.read('c.md'), 'GOOD\nline2\nline3\nline4 edited, not staged\n', 'the fix and the unstaged edit are both in the working tree');
  assert.not.match(res.stdout + res.stderr, /changed while the hook ran/, 'no editor saved anything: the fix did');
});

test('a whole-project fix colliding with an unstaged edit: the edit stays in place, the fix is kept and named', () => {
  const r = setup();
  r.write('c.md', 'BAD edited, not staged\nline2\nline3\nline4\n');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(r.read('c.md'), 'BAD edited, not staged\nline2\nline3\nline4\n', 'the user\'s version is where it was');
  const m = /(\S*heph\S*c\.md)/.exec(res.stdout + res.stderr);
  assert.ok(m, `the output names where the fix's version is:\n${res.stdout}${res.stderr}`);
  assert.is(readFileSync(m![1], 'utf8'), 'GOOD\nline2\nline3\nline4\n');
});

test('a whole-project fix of a file the user deleted (not staged) leaves it deleted, the fix kept and named', () => {
  const r = setup();
  r.remove('c.md');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.ok(!existsSync(r.path('c.md')), `the unstaged deletion is back:\n${res.stdout}${res.stderr}`);
  assert.is(r.git('status', '--porcelain'), ' D c.md\n');
  const m = /(\S*heph\S*c\.md)/.exec(res.stdout + res.stderr);
  assert.ok(m, `the output names where the fix's version is:\n${res.stdout}${res.stderr}`);
  assert.is(readFileSync(m![1], 'utf8'), 'GOOD\nline2\nline3\nline4\n');
});

test('core.autocrlf=true: a fix and unstaged lines elsewhere in the file are merged, not reported as a collision', () => {
  const r = track(hookedRepo([{ name: 'foo', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] }], full));
  r.git('config', 'core.autocrlf', 'true');
  r.write('a.txt', 'foo\r\nl2\r\nl3\r\nl4\r\n').commitAll('base');
  r.write('a.txt', 'foo\r\nl2\r\nl3 staged\r\nl4\r\n').git('add', 'a.txt');
  r.write('a.txt', 'foo\r\nl2\r\nl3 staged\r\nl4 unstaged\r\n');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'bar\nl2\nl3 staged\nl4\n');
  assert.not.match(res.stdout + res.stderr, /touched the same lines/);
  assert.is(r.read('a.txt'), 'bar\r\nl2\r\nl3 staged\r\nl4 unstaged\r\n', 'the fix and the unstaged line, in the user\'s line endings');
});

test('a fix that leaves its check failing (eslint --fix with errors left) keeps the unstaged edit of that file in place', () => {
  const partial = { name: 'partial', shell: true, run: '! grep -l -e foo -e bar {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] };
  const r = track(hookedRepo([partial], full));
  r.write('a.txt', 'foo\nl2\nl3\nl4\n').commitAll('base');
  r.write('a.txt', 'foo\nl2 staged\nl3\nl4\n').git('add', 'a.txt');
  r.write('a.txt', 'foo\nl2 staged\nl3\nl4 unstaged\n');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, 'the check still fails');
  assert.is(r.git('show', ':a.txt'), 'foo\nl2 staged\nl3\nl4\n', 'nothing was staged');
  assert.match(r.read('a.txt'), /l4 unstaged/, `the unstaged edit is in the working tree:\n${res.stdout}${res.stderr}`);
  assert.not.match(res.stdout + res.stderr, /changed while the hook ran/);
});

test('Ctrl-C while a fix runs: the unstaged edit of the file it was rewriting stays in place', () => {
  const cut = { name: 'cut', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}; kill -INT $PPID; sleep 2', files: ['*.txt'] };
  const r = track(hookedRepo([cut], full));
  r.write('a.txt', 'foo\nl2\nl3\nl4\n').commitAll('base');
  r.write('a.txt', 'foo\nl2 staged\nl3\nl4\n').git('add', 'a.txt');
  r.write('a.txt', 'foo\nl2 staged\nl3\nl4 unstaged\n');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, 'interrupted');
  assert.is(r.git('show', ':a.txt'), 'foo\nl2 staged\nl3\nl4\n', 'nothing was staged');
  assert.match(r.read('a.txt'), /l4 unstaged/, `the unstaged edit is in the working tree:\n${res.stdout}${res.stderr}`);
  assert.not.match(res.stdout + res.stderr, /changed while the hook ran/);
});

test.run();
