/**
 * A file marked `git update-index --assume-unchanged` and edited: git's diff
 * does not name it, yet a check run by the pre-commit reads the file. The
 * commit records the staged content, so the check must see that content, and
 * the user's edit must come back untouched with its mark.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

/** A whole-tree check that fails on BAD in a.txt, and a per-file one over *.txt. */
const checks = [
  { name: 'whole', shell: true, run: '! grep -q BAD a.txt', inputs: ['*.txt'] },
  { name: 'files', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] },
];

function setup(committed: string, onDisk: string): Repo {
  const r = track(hookedRepo(checks, { hooks: { 'pre-commit': { mode: 'full' } } }));
  r.write('a.txt', committed).write('b.txt', 'b\n').commitAll('base');
  r.git('update-index', '--assume-unchanged', 'a.txt');
  r.write('a.txt', onDisk);
  r.write('b.txt', 'b2\n').git('add', 'b.txt');
  return r;
}

test('the staged content is what the checks see: a defect committed under an edited assume-unchanged file is found', () => {
  const r = setup('BAD\n', 'good\n');
  const c = commit(r, ['-m', 'c']);
  assert.is(c.code, 1, `the commit records BAD in a.txt: ${c.stderr}`);
  assert.is(r.read('a.txt'), 'good\n', 'the edit is back');
  assert.match(r.git('ls-files', '-v', 'a.txt'), /^h /, 'still assume-unchanged');
});

test('and an edit that would fail is not held against a commit whose content passes; the edit comes back', () => {
  const r = setup('good\n', 'BAD\n');
  const c = commit(r, ['-m', 'c']);
  assert.is(c.code, 0, c.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'good\n');
  assert.is(r.read('a.txt'), 'BAD\n', 'the edit is back');
  assert.match(r.git('ls-files', '-v', 'a.txt'), /^h /, 'still assume-unchanged');
});

test.run();
