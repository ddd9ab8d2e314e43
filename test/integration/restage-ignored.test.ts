/**
 * Re-staging what fixes wrote when git's `add` answers 1 for a reason that is
 * not a failure: a tracked file inside a directory an ignore rule names (git
 * stages it, then warns that the directory is ignored and exits 1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPool } from '../helpers/repo.js';
import { LOWER_TO_UPPER } from '../helpers/tools.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

function repo() {
  const bin = join(tmpdir(), `heph-restage-fmt-${process.pid}`);
  writeFileSync(bin, LOWER_TO_UPPER, { mode: 0o755 });
  const r = track(hookedRepo([{ name: 'fmt', run: `${bin} --check {files}`, fix: `${bin} --write {files}`, files: ['*.txt'] }]));
  r.write('d/f.txt', 'x\n').write('top.txt', 'x\n').commitAll('base');
  // The directory is ignored after its file was tracked (a global excludes file, say).
  const excludes = join(r.dir, '.git', 'excludes-test');
  writeFileSync(excludes, 'd/\n');
  r.git('config', 'core.excludesFile', excludes);
  return r;
}

test('a fix of a tracked file in an ignored directory is staged and the commit goes through', () => {
  const r = repo();
  r.write('d/f.txt', 'lower\n').write('top.txt', 'lower too\n');
  r.git('add', '-f', 'd/f.txt');
  r.git('add', 'top.txt');
  const res = commit(r, ['-m', 'fix both']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.not.match(res.stdout + res.stderr, /could not record the state before fixes/, 'the rollback point covers the fixed files');
  assert.is(r.git('show', 'HEAD:d/f.txt'), 'UPPER\n');
  assert.is(r.git('show', 'HEAD:top.txt'), 'UPPER too\n');
  assert.is(r.git('status', '--porcelain'), '');
});

test.run();
