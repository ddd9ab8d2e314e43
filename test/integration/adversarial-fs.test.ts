/**
 * Attacks on putting work aside when heph's folder (HEPH_HOME) is on another
 * file system than the worktree, as the disk-full message suggests: moves are
 * then copies, and must never remove what they were replacing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoPool } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

const fooFix = { name: 'foo', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] };
const full = { hooks: { 'pre-commit': { mode: 'full' } } };

/** A folder on another file system than the test repos (tmpfs), or null when there is none. */
function otherFs(repoDir: string): string | null {
  if (!existsSync('/dev/shm')) return null;
  if (statSync('/dev/shm').dev === statSync(repoDir).dev) return null;
  return mkdtempSync('/dev/shm/heph-home-');
}

test('HEPH_HOME on another file system: a fix merged with unstaged lines leaves the file in place', () => {
  const r = track(hookedRepo([fooFix], full));
  const home = otherFs(r.dir);
  if (!home) return console.log('  (no second file system here: skipped)');
  try {
    r.write('a.txt', 'foo\nl2\nl3\nl4\n').commitAll('base');
    r.write('a.txt', 'foo\nl2 staged\nl3\nl4\n').git('add', 'a.txt');
    r.write('a.txt', 'foo\nl2 staged\nl3\nl4 unstaged\n');
    const res = commit(r, ['-m', 'c'], { env: { HEPH_HOME: home } });
    assert.is(res.code, 0, res.stdout + res.stderr);
    assert.is(show(r, 'HEAD:a.txt'), 'bar\nl2 staged\nl3\nl4\n');
    assert.ok(existsSync(r.path('a.txt')), `a.txt is in the working tree:\n${res.stdout}${res.stderr}`);
    assert.is(r.read('a.txt'), 'bar\nl2 staged\nl3\nl4 unstaged\n');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('HEPH_HOME on another file system: a symlink whose target is not UTF-8 comes back byte for byte', () => {
  const r = track(hookedRepo([fooFix], full));
  const home = otherFs(r.dir);
  if (!home) return console.log('  (no second file system here: skipped)');
  try {
    r.write('t', 't\n');
    symlinkSync('t', r.path('lnk'));
    r.commitAll('base');
    const target = Buffer.from([0x6e, 0x6f, 0xff, 0x77]); // "no\xffw"
    unlinkSync(r.path('lnk'));
    symlinkSync(target, r.path('lnk'));
    r.write('a.txt', 'a\n').git('add', 'a.txt');
    const res = commit(r, ['-m', 'c'], { env: { HEPH_HOME: home } });
    assert.is(res.code, 0, res.stdout + res.stderr);
    assert.equal(readlinkSync(r.path('lnk'), { encoding: 'buffer' }), target);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
