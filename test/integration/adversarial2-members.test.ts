/**
 * Attacks on a commit in a monorepo: a member's `.heph.json` whose working
 * copy differs from the staged one. The commit records the staged version, so
 * that version decides the member's checks, as for the root file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

const member = { phases: [{ name: 'quality', checks: [{ name: 'nobad', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] }] }] };

function setup(): Repo {
  const r = track(hookedRepo([]));
  r.write('pk/a/.heph.json', JSON.stringify(member)).write('pk/a/x.txt', 'ok\n').commitAll('member');
  r.write('pk/a/x.txt', 'BAD\n').git('add', 'pk/a/x.txt');
  return r;
}

test('an unstaged edit turning a member check off does not let a commit through unchecked', () => {
  const r = setup();
  const before = head(r);
  r.write('pk/a/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [] }] }));
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `the staged member config's check must run on the staged BAD:\n${res.stdout}${res.stderr}`);
  assert.is(head(r), before);
  assert.match(res.stdout + res.stderr, 'pk/a/.heph.json has unstaged changes: this commit is checked by the staged version');
  assert.match(r.read('pk/a/.heph.json'), '"checks":[]', 'the unstaged edit is still in the working tree');
});

test('a member config deleted in the working tree (not staged) still decides the commit that records it', () => {
  const r = setup();
  const before = head(r);
  r.remove('pk/a/.heph.json');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `the staged member config's check must run:\n${res.stdout}${res.stderr}`);
  assert.is(head(r), before);
  assert.ok(!r.exists('pk/a/.heph.json'), 'the unstaged deletion is kept');
});

test('a staged member config edit is what runs, whatever the working copy says', () => {
  const r = setup();
  r.git('reset', '-q');
  r.write('pk/a/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [] }] })).git('add', '-A');
  r.write('pk/a/.heph.json', JSON.stringify(member));
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, `the commit records a member config with no check:\n${res.stdout}${res.stderr}`);
  assert.is(r.git('show', 'HEAD:pk/a/x.txt'), 'BAD\n');
});

test.run();
