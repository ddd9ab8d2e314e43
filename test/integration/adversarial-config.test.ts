/**
 * Attacks on what decides a commit's checks: the config that is committed,
 * not an unstaged edit of it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

const strict = { name: 'strict', shell: true, run: '! grep -l BAD {files}', files: ['*.md'] };
const ok = { name: 'ok', shell: true, run: 'true' };

test('a check turned off in an unstaged .heph.json still runs on the commit that records it turned on', () => {
  const r = track(hookedRepo([ok, strict]));
  r.config({ phases: [{ name: 'quality', checks: [ok] }] }); // not staged
  r.write('c.md', 'BAD\n').git('add', 'c.md');
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `the committed config's check failed the commit:\n${res.stdout}${res.stderr}`);
  assert.match(res.stdout + res.stderr, /strict/);
  assert.match(r.read('.heph.json'), /"ok"/);
  assert.not.match(r.read('.heph.json'), /strict/, 'the unstaged config is untouched');
});

test('a check added in the staged .heph.json runs even when the working copy has other unstaged edits', () => {
  const r = track(hookedRepo([ok]));
  r.config({ phases: [{ name: 'quality', checks: [ok, strict] }] });
  r.git('add', '.heph.json');
  r.config({ phases: [{ name: 'quality', checks: [ok] }], settings: {} });
  r.write('c.md', 'BAD\n').git('add', 'c.md');
  assert.is.not(commit(r, ['-m', 'c']).code, 0);
});

test('an invalid staged .heph.json does not stop heph: the working copy decides, with a warning', () => {
  const r = track(hookedRepo([ok]));
  r.write('.heph.json', '{ "phases": [] }').git('add', '.heph.json');
  r.config({ phases: [{ name: 'quality', checks: [ok] }] });
  r.write('c.md', 'c\n').git('add', 'c.md');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout + res.stderr, /staged \.heph\.json is not valid/);
});

test.run();
