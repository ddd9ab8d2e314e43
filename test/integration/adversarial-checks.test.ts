/**
 * Attacks through checks that use git themselves.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoPool } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

// Not fixed: checks run without git's GIT_INDEX_FILE (so a test suite that makes its own repositories
// is not pointed at the commit's index), hence during `git commit -a` / `git commit <paths>` a check's
// `git add` meets the real index that git holds locked ("index.lock: File exists") and fails: a red
// that git alone (a plain hook script inherits GIT_INDEX_FILE) would not give.
test.skip('a check that runs git add (a formatter that stages its output) does not fail `git commit -a`', () => {
  const r = track(hookedRepo([{ name: 'stager', shell: true, run: 'git add a.txt' }]));
  r.write('a.txt', 'a\n').commitAll('base');
  r.write('a.txt', 'a2\n');
  const res = commit(r, ['-a', '-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'a2\n');
});

test('a check that runs git add does not fail a plain commit', () => {
  const r = track(hookedRepo([{ name: 'stager', shell: true, run: 'git add a.txt' }]));
  r.write('a.txt', 'a\n').commitAll('base');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'a2\n');
});

const msgHook = { hooks: { 'commit-msg': { mode: 'full' } } };
const nobad = { name: 'nobad', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] };
const fooFix = { name: 'foo', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] };

test('commit-msg checks see the staged content, not unstaged edits that hide a problem', () => {
  const r = track(hookedRepo([nobad], msgHook));
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  r.write('a.txt', 'fine\n');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `the committed content has BAD:\n${res.stdout}${res.stderr}`);
  assert.is(r.read('a.txt'), 'fine\n', 'the unstaged edit is back');
  assert.is(r.git('show', ':a.txt'), 'BAD\n');
});

test('commit-msg never reports a fix that cannot enter the commit: the check fails instead', () => {
  const r = track(hookedRepo([fooFix], msgHook));
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `git had written the tree with foo already:\n${res.stdout}${res.stderr}`);
  assert.is(r.read('a.txt'), 'foo\n', 'no fix ran');
  assert.is(r.git('show', ':a.txt'), 'foo\n');
});

test.run();
