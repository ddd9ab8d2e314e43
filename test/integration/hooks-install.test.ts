import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, hookedRepo, rejects } from '../helpers/hooks.js';

const track = repoPool(test);

test('install writes one shim per configured event, is idempotent, and uninstall removes them', () => {
  const r = track(hookedRepo([{ name: 'ok', run: 'true' }]));
  const hooks = r.path('.git/hooks');
  for (const e of ['pre-commit', 'pre-push', 'post-checkout', 'post-merge']) assert.ok(existsSync(join(hooks, e)), e);
  assert.not.ok(existsSync(join(hooks, 'commit-msg')));
  const again = r.heph(['install']);
  assert.is(again.code, 0);
  assert.match(again.stdout, /nothing changed/);
  // Fewer events: the extra shim goes.
  r.config({ phases: [{ name: 'quality', checks: [{ name: 'ok', run: 'true' }] }], hooks: { 'pre-commit': {}, 'commit-msg': {} } });
  const changed = r.heph(['install']).stdout;
  assert.match(changed, /installed commit-msg/);
  assert.match(changed, /removed pre-push/);
  const un = r.heph(['uninstall']);
  assert.is(un.code, 0);
  assert.match(un.stdout, /removed pre-commit/);
  for (const e of ['pre-commit', 'commit-msg']) assert.not.ok(existsSync(join(hooks, e)));
});

test('a foreign hook is kept, runs first, and comes back on uninstall', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks: [{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }] }] });
  const foreign = '#!/bin/sh\necho foreign-ran >> "$(git rev-parse --git-dir)/foreign.log"\n';
  writeFileSync(r.path('.git/hooks/pre-commit'), foreign);
  chmodSync(r.path('.git/hooks/pre-commit'), 0o755);
  r.commitAll('init');
  assert.match(r.heph(['install']).stdout, /kept as pre-commit\.pre-heph/);
  r.write('a.txt', 'fine\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'a']).code, 0);
  assert.is(readFileSync(r.path('.git/foreign.log'), 'utf8'), 'foreign-ran\n');
  r.write('b.txt', 'BAD\n').git('add', 'b.txt');
  assert.is.not(commit(r, ['-m', 'b']).code, 0, 'heph still blocks after the foreign hook');
  r.heph(['uninstall']);
  assert.is(readFileSync(r.path('.git/hooks/pre-commit'), 'utf8'), foreign);
  assert.not.ok(existsSync(r.path('.git/hooks/pre-commit.pre-heph')));
});

test('HEPH=0 skips the hooks; a missing heph fails the commit loudly', () => {
  const r = track(hookedRepo([{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }]));
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  assert.is.not(commit(r, ['-m', 'x']).code, 0);
  assert.is(commit(r, ['-m', 'x'], { env: { HEPH: '0' } }).code, 0);
  // The recorded heph path no longer exists and heph is not on PATH.
  const shim = r.path('.git/hooks/pre-commit');
  writeFileSync(shim, readFileSync(shim, 'utf8').replace(/^heph=".*"$/m, 'heph="/nonexistent/heph/cli.cjs"'));
  r.write('b.txt', 'fine\n').git('add', 'b.txt');
  const res = commit(r, ['-m', 'y'], { env: { PATH: '/usr/bin:/bin' } });
  assert.is.not(res.code, 0, 'the commit does not slip through');
  assert.match(res.stderr, /cannot find heph/);
  assert.match(res.stderr, /heph install/);
});

test('core.hooksPath set globally needs --force, which sets it for this repository only', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ok', run: 'true' }] }] });
  r.commitAll('init');
  r.git('config', '--global', 'core.hooksPath', join(r.base, 'global-hooks'));
  const res = r.heph(['install']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /core\.hooksPath is set to .*global-hooks in the global config/);
  assert.match(res.stderr, /--force/);
  assert.is(r.heph(['install', '--force']).code, 0);
  assert.is(r.git('config', '--local', 'core.hooksPath').trim(), r.path('.git/hooks'));
  assert.ok(existsSync(r.path('.git/hooks/pre-commit')));
  assert.match(r.heph(['install']).stdout, /nothing changed/);
  r.heph(['uninstall']);
  assert.is(r.gitResult(['config', '--local', 'core.hooksPath']).code, 1, 'uninstall unsets what --force set');
});

test('a repo-local core.hooksPath of heph is honoured; worktrees share the hooks and the state', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks: [{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }] }] });
  r.commitAll('init');
  r.heph(['install']);
  const wt = join(r.base, 'wt');
  r.git('worktree', 'add', '-q', '-b', 'side', wt);
  writeFileSync(join(wt, 'a.txt'), 'BAD\n');
  r.gitResult(['add', 'a.txt'], { cwd: wt });
  assert.is.not(r.gitResult(['commit', '-q', '-m', 'x'], { cwd: wt }).code, 0, 'the hook runs in the worktree');
  writeFileSync(join(wt, 'a.txt'), 'fine\n');
  r.gitResult(['add', 'a.txt'], { cwd: wt });
  assert.is(r.gitResult(['commit', '-q', '-m', 'x'], { cwd: wt }).code, 0);
  assert.is(r.gitResult(['show', 'side:a.txt']).stdout, 'fine\n');
  assert.ok(existsSync(r.path('.git/heph/state.sqlite')), 'the worktree used the common state');
});

test.run();
