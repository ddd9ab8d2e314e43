import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head, hookedRepo, rejects } from '../helpers/hooks.js';

const track = repoPool(test);

/** A repo with a bare remote `origin` holding main. */
function withRemote(checks: object[], hooks?: object) {
  const r = track(hookedRepo(checks, hooks ? { hooks } : {}));
  const bare = join(r.base, 'remote.git');
  r.git('init', '-q', '--bare', bare);
  r.git('remote', 'add', 'origin', bare);
  r.gitResult(['push', '-q', 'origin', 'main'], { env: { HEPH: '0' } });
  return r;
}

test('pre-push checks the files of the pushed commits; a failure blocks the push', () => {
  const r = withRemote([{ name: 'lint', run: `${'$'}{LINT}`, shell: true, files: ['*.txt'] }, { name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }]);
  const lint = r.counter('lint');
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  commit(r, ['-m', 'bad', '--no-verify']);
  const res = r.gitResult(['push', '-q', 'origin', 'main'], { env: { LINT: lint } });
  assert.is.not(res.code, 0, 'blocked');
  assert.match(res.stdout + res.stderr, /quality\/no-bad\s+failed/);
  assert.is.not(r.git('rev-parse', 'origin/main').trim(), head(r), 'nothing was pushed');
  r.write('a.txt', 'good\n').git('add', 'a.txt');
  commit(r, ['-m', 'good', '--no-verify']);
  r.write('b.txt', 'other\n').git('add', 'b.txt');
  commit(r, ['-m', 'more', '--no-verify']);
  assert.is(r.gitResult(['push', '-q', 'origin', 'main'], { env: { LINT: `${lint} {files}` } }).code, 0);
  assert.is(r.git('rev-parse', 'origin/main').trim(), head(r));
});

test('pre-push: a new branch covers the commits not on the remote; a deletion checks nothing', () => {
  const r = withRemote([{ name: 'seen', shell: true, run: `printf '%s\\n' {files} >> ${'$'}SEEN`, files: ['*'] }]);
  const seen = join(r.base, 'seen');
  r.git('checkout', '-q', '-b', 'feature');
  r.write('f1.txt', '1').commitAll('f1');
  r.write('f2.txt', '2').commitAll('f2');
  assert.is(r.gitResult(['push', '-q', 'origin', 'feature'], { env: { SEEN: seen } }).code, 0);
  const files = require_('fs').readFileSync(seen, 'utf8').trim().split('\n').sort();
  assert.equal(files, ['f1.txt', 'f2.txt'], 'only what the branch adds over the remote');
  require_('fs').rmSync(seen);
  const del = r.gitResult(['push', '-q', 'origin', '--delete', 'feature'], { env: { SEEN: seen } });
  assert.is(del.code, 0);
  assert.not.ok(require_('fs').existsSync(seen), 'a deletion ran no check');
  // Rehearsal by hand, with refs on stdin.
  const zero = '0'.repeat(40);
  const dry = r.heph(['hook', 'run', 'pre-push', 'origin', 'url', '--dry-run'], { input: `refs/heads/x ${zero} refs/heads/x ${head(r)}\n` });
  assert.match(dry.stdout, /only deletions are pushed/);
});

test('post-checkout re-syncs dependencies when the lockfile changed; other checkouts do nothing that fails', () => {
  const r = track(hookedRepo([]));
  const sync = r.counter('sync');
  r.config({
    phases: [
      { name: 'dependencies', checks: [{ name: 'sync', run: sync, inputs: ['uv.lock'] }] },
      { name: 'quality', checks: [{ name: 'slow', run: 'false' }] },
    ],
    hooks: { 'post-checkout': { phases: ['dependencies'] }, 'pre-commit': {} },
  });
  r.write('uv.lock', 'v1\n').commitAll('lock v1');
  r.heph(['install']);
  r.heph(['run', '--only', 'sync']);
  assert.is(r.calls('sync'), 1);
  r.git('checkout', '-q', '-b', 'upgrade');
  assert.is(r.calls('sync'), 1, 'same commit: nothing to do');
  r.write('uv.lock', 'v2\n').commitAll('lock v2');
  r.write('other.txt', 'x').commitAll('unrelated');
  const back = r.gitResult(['checkout', '-q', 'main']);
  assert.is(back.code, 0);
  assert.is(r.calls('sync'), 2, 'the lockfile differs between the branches: dependencies re-synced');
  assert.match(back.stdout + back.stderr, /dependencies\/sync\s+passed/);
  r.gitResult(['checkout', '-q', 'upgrade', '--', 'other.txt']);
  assert.is(r.calls('sync'), 2, 'a file checkout (flag 0) runs nothing');
  assert.is(r.gitResult(['checkout', '-q', 'upgrade']).code, 0);
  assert.is(r.calls('sync'), 3);
  // Clone / worktree add: an all-zero old ref.
  const res = r.heph(['hook', 'run', 'post-checkout', '0'.repeat(40), head(r), '1']);
  assert.is(res.code, 0);
  assert.is(res.stdout + res.stderr, '', 'nothing to do prints nothing');
  assert.match(r.heph(['hook', 'run', 'post-checkout', '0'.repeat(40), head(r), '1', '--dry-run']).stdout, /nothing to compare/);
  // Never blocks, even on a failing check.
  r.config({ phases: [{ name: 'dependencies', checks: [{ name: 'sync', shell: true, run: 'exit 3', inputs: ['uv.lock'] }] }], hooks: { 'post-checkout': {} } });
  r.write('uv.lock', 'v3\n');
  const failing = r.heph(['hook', 'run', 'post-checkout', 'HEAD', 'HEAD~1', '1']);
  assert.is(failing.code, 0);
});

test('post-merge and post-rewrite run what the merged or rewritten files need', () => {
  const r = track(hookedRepo([]));
  const sync = r.counter('sync');
  r.config({ phases: [{ name: 'dependencies', checks: [{ name: 'sync', run: sync, inputs: ['package-lock.json'] }] }], hooks: { 'post-merge': {}, 'post-rewrite': {} } });
  r.write('package-lock.json', '1').commitAll('lock');
  r.heph(['install']);
  r.heph(['run']);
  r.git('checkout', '-q', '-b', 'side');
  r.write('package-lock.json', '2').commitAll('bump');
  r.git('checkout', '-q', 'main');
  r.write('unrelated.txt', 'u').commitAll('main moves');
  assert.is(r.gitResult(['merge', '-q', '--no-edit', 'side']).code, 0);
  assert.is(r.calls('sync'), 2, 'post-merge re-synced after the lockfile came in');
  r.write('package-lock.json', '3').git('add', 'package-lock.json');
  assert.is(commit(r, ['--amend', '--no-edit']).code, 0);
  assert.is(r.calls('sync'), 3, 'post-rewrite (amend) saw the lockfile change');
});

test('a rebase through all hooks: commits replayed, dependencies re-synced once the lockfile arrives', () => {
  const r = track(hookedRepo([]));
  const sync = r.counter('sync');
  r.config({
    phases: [{ name: 'dependencies', checks: [{ name: 'sync', run: sync, inputs: ['uv.lock'] }] }, { name: 'quality', checks: [{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }] }],
    hooks: { 'pre-commit': {}, 'post-checkout': { phases: ['dependencies'] }, 'post-rewrite': { phases: ['dependencies'] } },
  });
  r.write('uv.lock', '1').commitAll('base');
  r.heph(['install']);
  r.heph(['run', '--only', 'sync']);
  r.git('checkout', '-q', '-b', 'topic');
  for (let i = 0; i < 3; i++) r.write(`t${i}.txt`, `topic ${i}\n`).commitAll(`topic ${i}`);
  r.git('checkout', '-q', 'main');
  r.write('uv.lock', '2').commitAll('bump lock');
  const calls = r.calls('sync');
  r.git('checkout', '-q', 'topic');
  const res = r.gitResult(['rebase', '-q', 'main']);
  assert.is(res.code, 0, res.stderr);
  assert.is(r.git('log', '--format=%s', '-4').trim().split('\n').join('|'), 'topic 2|topic 1|topic 0|bump lock');
  assert.is(r.read('uv.lock'), '2');
  assert.ok(r.calls('sync') > calls, 'the new lockfile was synced');
  assert.is(r.git('status', '--porcelain'), '', 'nothing left behind');
});

test('commit-msg checks the message through {msgfile}; a new message is never a cache hit', () => {
  const r = track(new Repo());
  r.config({
    phases: [{ name: 'message', checks: [{ name: 'conventional', run: 'grep -Eq "^(feat|fix): " {msgfile}' }] }],
    hooks: { 'commit-msg': {} },
  });
  r.commitAll('init');
  r.heph(['install']);
  r.write('a', '1').git('add', 'a');
  assert.is(commit(r, ['-m', 'feat: one']).code, 0);
  r.write('a', '2').git('add', 'a');
  const bad = commit(r, ['-m', 'whatever']);
  assert.is.not(bad.code, 0, 'same files, different message: checked again and rejected');
  assert.match(bad.stdout + bad.stderr, /message\/conventional\s+failed/);
  assert.is(commit(r, ['-m', 'fix: two']).code, 0);
});

test('hook run rehearses by hand: --dry-run and --json; unknown events are usage errors', () => {
  const r = track(hookedRepo([{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }]));
  r.write('a.txt', 'ok\n').git('add', 'a.txt');
  const dry = r.heph(['hook', 'run', 'pre-commit', '--dry-run']);
  assert.is(dry.code, 0);
  assert.match(dry.stdout, /plan \(fast mode, pre-commit\)/);
  assert.match(dry.stdout, /quality\/no-bad\s+would run no previous result \[1 file\]/);
  const js = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(js.report.event, 'pre-commit');
  assert.is(js.report.mode, 'fast');
  assert.is(js.report.checks[0].status, 'passed');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).report.checks[0].status, 'cached');
  assert.is(r.heph(['hook', 'run', 'pre-comit']).code, 2);
  assert.is(r.heph(['hook', 'install', 'pre-commit']).code, 2);
  assert.is(r.heph(['hook', 'run', 'pre-commit'], { env: { HEPH: '0' } }).stdout, '');
});

import { createRequire } from 'node:module';
const require_ = createRequire(import.meta.url);

test.run();
