/**
 * The replay inside real `git commit`s through the installed hooks: git's own
 * environment for hooks (dates, GIT_INDEX_FILE, PATH) still lets a repeated
 * commit replay, and a commit whose staged content changed is still checked,
 * with `git commit`, `git commit -a` and `git commit <path>`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoPool, type Repo } from '../helpers/repo.js';
import { commit, head, hookedRepo, rejects } from '../helpers/hooks.js';

const pool = repoPool(test);
const DEBUG = { HEPH_DEBUG: 'replay', HEPH_NOW: '1900000000000' };

/** Commits, and takes the commit back (the index stays): the same commit can be made again. */
function commitAndUndo(r: Repo, args: string[] = []): ReturnType<typeof commit> {
  const res = commit(r, ['-m', 'c', ...args], { env: DEBUG });
  if (res.code === 0) r.git('reset', '-q', '--soft', 'HEAD~1');
  return res;
}

test('a commit made again replays, and a commit of other staged content is checked', () => {
  const r = pool(hookedRepo([{ name: 'txt', shell: true, run: rejects('BAD'), files: ['**/*.txt'] }]));
  r.write('a.txt', 'good\n').git('add', 'a.txt');
  let replayed = false;
  for (let i = 0; i < 40 && !replayed; i++) {
    const res = commitAndUndo(r);
    assert.is(res.code, 0, res.stderr);
    replayed = /heph:replay.*replayed/.test(res.stderr);
  }
  assert.ok(replayed, 'a commit made again with nothing changed replays');
  const before = head(r);
  r.write('a.txt', 'BAD!\n').git('add', 'a.txt');
  const bad = commit(r, ['-m', 'bad'], { env: DEBUG });
  assert.is.not(bad.code, 0, `a staged BAD is refused:\n${bad.stderr}`);
  assert.is(head(r), before);
});

test('git commit -a and git commit <path> (another index file) after a replayable commit', () => {
  const r = pool(hookedRepo([{ name: 'txt', shell: true, run: rejects('BAD'), files: ['**/*.txt'] }]));
  r.write('a.txt', 'good\n').commitAll('a');
  r.write('a.txt', 'fine\n').git('add', 'a.txt');
  for (let i = 0; i < 40; i++) if (/heph:replay.*replayed/.test(commitAndUndo(r).stderr)) break;
  const before = head(r);
  // Unstaged, same size: only `-a` and `<path>` commit it.
  r.write('a.txt', 'BAD!\n');
  const all = commit(r, ['-a', '-m', 'all'], { env: DEBUG });
  assert.is.not(all.code, 0, `commit -a of a BAD file is refused:\n${all.stderr}`);
  assert.is(head(r), before);
  const path = commit(r, ['-m', 'path', '--', 'a.txt'], { env: DEBUG });
  assert.is.not(path.code, 0, `commit <path> of a BAD file is refused:\n${path.stderr}`);
  assert.is(head(r), before);
  assert.is(r.read('a.txt'), 'BAD!\n', 'the unstaged change is still there');
});

test.run();
