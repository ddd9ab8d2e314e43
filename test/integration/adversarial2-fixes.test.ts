/**
 * Attacks on reused results next to fixes: a check's stored pass (whole or
 * per file) describes the content it was planned on. When a fix of the same
 * run rewrites that content, the check must look at what the fix wrote, and
 * its result must not be stored as a pass for the content before the fix.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPool, type Repo } from '../helpers/repo.js';
import { LOWER_TO_UPPER } from '../helpers/tools.js';
import { commit, head, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

function repo(rejects: string): Repo {
  const bin = join(tmpdir(), `heph-adv2-fmt-${process.pid}`);
  writeFileSync(bin, LOWER_TO_UPPER, { mode: 0o755 });
  const r = track(
    hookedRepo([
      { name: 'fmt', run: `${bin} --check {files}`, fix: `${bin} --write {files}`, files: ['*.txt'] },
      { name: 'lint', shell: true, run: `! grep -l ${rejects} {files}`, files: ['*.txt'] },
    ]),
  );
  r.write('a.txt', 'x\n').write('c.txt', 'c\n').commitAll('base');
  return r;
}

test('a check whose pass was reused is run again when a fix of the commit rewrites its file', () => {
  const r = repo('UPPER');
  r.write('a.txt', 'lower\n').git('add', 'a.txt');
  assert.is(r.heph(['run', '--no-fix']).code, 1, 'fmt fails, lint passes on "lower" and is remembered');
  const before = head(r);
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `lint rejects what the fix wrote, which the commit would record:\n${res.stdout}${res.stderr}`);
  assert.match(res.stdout + res.stderr, 'ran again: a fix of this run changed its files');
  assert.is(head(r), before);
});

test('a per-file check given only its uncertified files also looks at a certified file a fix rewrote', () => {
  const r = repo('UPPER');
  r.write('a.txt', 'lower\n').git('add', 'a.txt');
  assert.is(r.heph(['run', '--no-fix']).code, 1);
  r.write('c.txt', 'c2\n').git('add', 'c.txt');
  const before = head(r);
  const res = commit(r, ['-m', 'c']);
  assert.is.not(res.code, 0, `lint must see a.txt as the fix left it:\n${res.stdout}${res.stderr}`);
  assert.is(head(r), before);
});

test('a pass on what a fix wrote is not remembered as a pass on the content before the fix', () => {
  const r = repo('lower');
  r.write('a.txt', 'lower\n');
  let res = r.heph(['run']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(r.read('a.txt'), 'UPPER\n');
  r.write('a.txt', 'lower\n');
  res = r.heph(['run', '--fast', '--only', 'lint']);
  assert.is(res.code, 1, `lint fails on "lower"; it passed only on "UPPER":\n${res.stdout}${res.stderr}`);
});

test.run();
