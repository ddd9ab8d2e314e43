/**
 * Attacks on fixes of files whose names are not UTF-8: whether a fix changed
 * such a file must be read from the file itself, or the fix is taken for a
 * no-op, not re-staged, and the commit records the unfixed content as passed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPool, type Repo } from '../helpers/repo.js';
import { LOWER_TO_UPPER } from '../helpers/tools.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);
const NAME = Buffer.from('caf\xe9.txt', 'latin1');
const abs = (r: Repo) => Buffer.concat([Buffer.from(r.dir + '/'), NAME]);
/** The committed content of the Latin-1 name (argv cannot carry its bytes: found through ls-tree). */
function committed(r: Repo): string {
  const entries = spawnSync('git', ['ls-tree', '-z', 'HEAD'], { cwd: r.dir, env: r.env, encoding: 'latin1' }).stdout.split('\0');
  const entry = entries.find((e) => e.endsWith('\tcaf\xe9.txt'));
  assert.ok(entry, 'the file is committed');
  return r.git('cat-file', 'blob', entry!.split(/\s/)[2]);
}

function partiallyStaged(r: Repo, staged: string, unstaged: string) {
  writeFileSync(abs(r), 'x\nb\nc\nd\ne\n');
  r.commitAll('base');
  writeFileSync(abs(r), staged);
  r.git('add', '-A');
  writeFileSync(abs(r), unstaged);
}

test('heph:trailing-whitespace --fix on a Latin-1 name with unstaged lines: the fix is committed, the unstaged line kept', () => {
  const r = track(hookedRepo([{ name: 'ws', run: 'heph:trailing-whitespace', fix: 'heph:trailing-whitespace --fix' }]));
  partiallyStaged(r, 'a  \nb\nc\nd\ne\n', 'a  \nb\nc\nd\ne unstaged  \n');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout + res.stderr, /1 fixed/);
  assert.is(committed(r), 'a\nb\nc\nd\ne\n', 'the commit holds the fixed content, not what the check fails on');
  assert.is(readFileSync(abs(r), 'latin1'), 'a\nb\nc\nd\ne unstaged  \n');
});

test('a run-once formatter (fix = check in write mode) on a Latin-1 name: the rewritten file is re-staged', () => {
  const bin = join(tmpdir(), `heph-fmt-${process.pid}`);
  writeFileSync(bin, LOWER_TO_UPPER, { mode: 0o755 });
  const r = track(hookedRepo([{ name: 'fmt', run: `${bin} --check {files}`, fix: `${bin} --write {files}`, files: ['*.txt'] }]));
  partiallyStaged(r, 'lower\nb\nc\nd\ne\n', 'lower\nb\nc\nd\ne unstaged\n');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout + res.stderr, /1 fixed/);
  assert.is(committed(r), 'UPPER\nb\nc\nd\ne\n');
  assert.is(readFileSync(abs(r), 'latin1'), 'UPPER\nb\nc\nd\ne unstaged\n');
});

test('heph rollback after a fix of a Latin-1 name restores it, and takes the fix out around later edits', () => {
  const r = track(hookedRepo([{ name: 'ws', run: 'heph:trailing-whitespace', fix: 'heph:trailing-whitespace --fix' }]));
  writeFileSync(abs(r), 'x\nb\nc\nd\ne\n');
  r.commitAll('base');
  writeFileSync(abs(r), 'a  \nb\nc\nd\ne\n');
  assert.is(r.heph(['run']).code, 0);
  assert.is(readFileSync(abs(r), 'latin1'), 'a\nb\nc\nd\ne\n');
  let res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.is(readFileSync(abs(r), 'latin1'), 'a  \nb\nc\nd\ne\n', `restored:\n${res.stdout}${res.stderr}`);
  assert.is(r.heph(['run']).code, 0);
  writeFileSync(abs(r), 'a\nb\nc\nd\ne edited\n');
  res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.is(readFileSync(abs(r), 'latin1'), 'a  \nb\nc\nd\ne edited\n', `the fix taken out, the edit kept:\n${res.stdout}${res.stderr}`);
});

test.run();
