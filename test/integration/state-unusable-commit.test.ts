/**
 * A pre-commit with unstaged changes when heph's folder cannot be written: the
 * changes have nowhere to go, so the commit is refused with exit 5 and a way
 * out, and the staged and unstaged work is exactly as it was.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, repoPool, Repo, type Result } from '../helpers/repo.js';

const repo = repoPool(test);

/** A repo with hooks, a.txt staged with an unstaged line on top, b.txt edited and unstaged, c.txt new and untracked. */
function setup(): Repo {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: r.counter('c'), files: ['*.txt'] }] }] });
  r.write('a.txt', '1\n').write('b.txt', 'b\n').commitAll();
  assert.is(r.heph(['install']).code, 0);
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('a.txt', 'staged\nunstaged\n').write('b.txt', 'b\nunstaged\n').write('c.txt', 'untracked\n');
  return r;
}

/** Everything a commit could change: HEAD, the index, the working tree's differences and bytes. */
function work(r: Repo): string[] {
  return [r.git('rev-parse', 'HEAD'), r.git('ls-files', '-s'), r.git('diff', '--cached'), r.git('diff'), r.git('status', '--porcelain', '-uall'), r.read('a.txt'), r.read('b.txt'), r.read('c.txt')];
}

function refused(r: Repo, res: Result, before: string[], how: string): void {
  assert.is.not(res.code, 0, `${how}: the commit is stopped`);
  assert.match(res.stderr, /heph's folder .* cannot be written \(([A-Z]+|.* is not a folder)\): the unstaged changes could not be put aside .* nothing was changed/, how);
  assert.match(res.stderr, /HEPH_HOME/);
  assert.match(res.stderr, /HEPH=0 git commit/);
  assert.not.match(res.stderr, /unexpected error/, how);
  assert.equal(work(r), before, `${how}: staged and unstaged work exactly as before`);
  assert.is(r.calls('c'), 0, 'no check ran on a working tree that is not what is committed');
}

test('HEPH_HOME under a file: the pre-commit exits 5, the commit is stopped, the work is untouched', () => {
  const r = setup();
  const blocker = join(r.base, 'a-file');
  writeFileSync(blocker, '');
  const env = { HEPH_HOME: join(blocker, 'heph') };
  const before = work(r);
  const direct = r.heph(['hook', 'run', 'pre-commit'], { env });
  assert.is(direct.code, 5, direct.stdout + direct.stderr);
  assert.match(direct.stderr, /cannot be written \(.*a-file is not a folder\)/);
  refused(r, direct, before, 'heph hook run pre-commit');
  refused(r, r.gitResult(['commit', '-q', '-m', 'x'], { env }), before, 'git commit');
  const clean = r.gitResult(['commit', '-q', '-m', 'x'], { env: { ...env, HEPH: '0' } });
  assert.is(clean.code, 0, 'HEPH=0 is a way out');
});

test('a file where heph\'s stash folder should be: exit 5, nothing touched', () => {
  const r = setup();
  mkdirSync(r.path('.git/heph'), { recursive: true });
  writeFileSync(r.path('.git/heph/stash'), 'not a folder');
  const before = work(r);
  const res = r.heph(['hook', 'run', 'pre-commit']);
  assert.is(res.code, 5, res.stdout + res.stderr);
  refused(r, res, before, 'a file in the way');
  assert.is(r.read('.git/heph/stash'), 'not a folder');
});

/** Runs git commit with heph's folder read-only: a private read-only bind mount as root, file modes otherwise. */
function readOnlyCommit(r: Repo, dir: string, args: string[]): Result | null {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    try {
      return r.gitResult(args);
    } finally {
      chmodSync(dir, 0o755);
    }
  }
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', dir, 'true']);
  if (probe.status !== 0) return null;
  const res = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', dir, ...args], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  return { code: res.status ?? 128, stdout: res.stdout, stderr: res.stderr };
}

test('a read-only heph folder: the pre-commit exits 5 and the commit is stopped, the work untouched', () => {
  const r = setup();
  const dir = r.path('.git/heph');
  mkdirSync(dir, { recursive: true });
  const listed = readdirSync(dir).sort();
  const before = work(r);
  const direct = readOnlyCommit(r, dir, [process.execPath, CLI, 'hook', 'run', 'pre-commit']);
  if (!direct) return console.log('  (no way to make a read-only folder here: skipped)');
  assert.is(direct.code, 5, direct.stdout + direct.stderr);
  assert.match(direct.stderr, /cannot be written \((EROFS|EACCES)\)/, 'the reason is the read-only folder');
  refused(r, direct, before, 'heph hook run pre-commit');
  refused(r, readOnlyCommit(r, dir, ['git', 'commit', '-q', '-m', 'x'])!, before, 'git commit');
  assert.equal(readdirSync(dir).sort(), listed, 'nothing left behind');
});

test.run();
