/**
 * heph's folder cannot be written (read-only mount, permissions, a file in the
 * way): state is a cache, so checks still run and a commit still goes
 * through, with a warning; `heph cache clear` says it forgot nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, repoPool, Repo, type Result } from '../helpers/repo.js';

const repo = repoPool(test);

function setup(): Repo {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: r.counter('c'), files: ['*.txt'] }] }] });
  r.write('a.txt', '1').commitAll();
  return r;
}

test('a HEPH_HOME that cannot be a folder: runs, commits and warns; cache clear forgot nothing', () => {
  const r = setup();
  const blocker = join(r.base, 'a-file');
  writeFileSync(blocker, '');
  const env = { HEPH_HOME: join(blocker, 'heph') };
  const run = r.heph(['run'], { env });
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /cannot be written .*ENOTDIR.*running without/);
  assert.is(r.heph(['install']).code, 0);
  r.write('a.txt', '2').git('add', 'a.txt');
  const commit = r.gitResult(['commit', '-q', '-m', 'x'], { env });
  assert.is(commit.code, 0, commit.stdout + commit.stderr);
  assert.is(r.calls('c'), 2, 'the check ran in the commit');
  const clear = r.heph(['cache', 'clear'], { env });
  assert.is(clear.code, 1, clear.stdout + clear.stderr);
  assert.match(clear.stdout, /forgot nothing/);
  assert.not.match(clear.stdout, /forgot \d/);
  const doctor = r.heph(['doctor'], { env });
  assert.match(doctor.stdout, /✖ state\s+heph's folder .* cannot be written .*not a folder.*fix: make it writable, or point HEPH_HOME/);
});

/** Runs heph with its folder read-only: a private read-only bind mount as root, file modes otherwise. */
function readOnlyHeph(r: Repo, dir: string, args: string[]): Result | null {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    try {
      return r.heph(args);
    } finally {
      chmodSync(dir, 0o755);
    }
  }
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', dir, 'true']);
  if (probe.status !== 0) return null;
  const res = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', dir, process.execPath, CLI, ...args], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  return { code: res.status ?? 128, stdout: res.stdout, stderr: res.stderr };
}

test('a read-only heph folder with stored results: runs without them, moves nothing, cache clear forgot nothing', () => {
  const r = setup();
  assert.is(r.heph(['run']).code, 0);
  const dir = join(r.dir, '.git', 'heph');
  const before = readdirSync(dir).sort();
  const run = readOnlyHeph(r, dir, ['run', '--fast']);
  if (!run) return console.log('  (no way to make a read-only folder here: skipped)');
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /cannot be written/);
  const clear = readOnlyHeph(r, dir, ['cache', 'clear'])!;
  assert.is(clear.code, 1, clear.stdout + clear.stderr);
  assert.match(clear.stdout, /forgot nothing/);
  assert.match(readOnlyHeph(r, dir, ['doctor'])!.stdout, /✖ state\s+heph's folder .* cannot be written/);
  assert.equal(readdirSync(dir).sort(), before, 'nothing was moved aside or left behind');
  assert.match(r.heph(['run', '--fast', '--dry-run']).stdout, /p\/c\s+cached/, 'the stored result is intact');
});

test.run();
