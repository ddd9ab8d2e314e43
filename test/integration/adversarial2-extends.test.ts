/**
 * Attack on the staged config deciding a commit's checks: the root
 * `.heph.json` extends a local file (`"extends": ["./base.json"]`). An
 * unstaged edit of that file must not decide what runs on a commit that
 * records the other version, as for `.heph.json` itself.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head } from '../helpers/hooks.js';

const track = repoPool(test);

const base = (checks: object[]) => JSON.stringify({ phases: [{ name: 'quality', checks }] });
const nobad = { name: 'nobad', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] };

function setup(): Repo {
  const r = track(new Repo());
  r.config({ extends: ['./base.json'], phases: [{ name: 'quality', checks: [] }] });
  r.write('base.json', base([nobad]));
  r.write('x.txt', 'ok\n').commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  r.write('x.txt', 'BAD\n').git('add', 'x.txt');
  return r;
}

test('a staged edit of a file .heph.json extends decides the commit, whatever the working copy says', () => {
  const r = setup();
  r.write('base.json', base([])).git('add', 'base.json');
  r.write('base.json', base([nobad]));
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, `the commit records a base.json with no check:\n${res.stdout}${res.stderr}`);
  assert.match(res.stdout + res.stderr, 'base.json has unstaged changes: this commit is checked by the staged version');
});

test('an unstaged edit of a file .heph.json extends, turning a check off, does not let a commit through unchecked', () => {
  const r = setup();
  r.write('base.json', base([]));
  const before = head(r);
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `the committed base.json's check must run on the staged BAD:\n${res.stdout}${res.stderr}`);
  assert.is(head(r), before);
});

test.run();
