import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, Repo, cleanEnv, statuses, repoPool } from '../helpers/repo.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const repo = repoPool(test);

/** One whole-repository check (no `files`, no `inputs`). */
function wholeRepo(r: Repo, extra: object = {}) {
  const check = r.counter('check');
  r.write('a.txt', 'a\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'check', run: check, ...extra }] }] });
  return r;
}
const status = (r: Repo, args: string[] = ['run', '--fast'], env?: Record<string, string | undefined>) => statuses(r.hephJson(args, { env }).report)['q/check'];

test('a file edited inside a submodule changes the fingerprint; a clean one is cached', () => {
  const sub = repo();
  sub.write('lib/x.txt', 'one\n').commitAll('sub');
  const r = wholeRepo(repo());
  r.commitAll('init');
  r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
  r.commitAll('add submodule');
  assert.is(status(r, ['run']), 'passed');
  assert.is(status(r), 'cached');
  r.write('vendor/sub/lib/x.txt', 'two\n'); // inside a subdirectory: no directory timestamp of the submodule changes
  assert.is(status(r), 'passed', 'dirty submodule content is an input');
  assert.is(status(r), 'cached', 'and the same dirty content is reused');
  r.write('vendor/sub/lib/x.txt', 'three\n');
  assert.is(status(r), 'passed');
  r.git('config', 'diff.ignoreSubmodules', 'all'); // a user setting must not hide it
  r.write('vendor/sub/lib/x.txt', 'four\n');
  assert.is(status(r), 'passed');
});

test('default inputs: a new untracked, non-ignored file re-runs the check; an ignored one does not', () => {
  const r = wholeRepo(repo());
  r.write('.gitignore', 'build/\n').commitAll('init');
  r.heph(['run']);
  r.write('build/out.txt', 'x\n');
  assert.is(status(r), 'cached');
  r.write('new_test.py', 'assert False\n');
  const res = r.hephJson(['run', '--fast']);
  assert.is(statuses(res.report)['q/check'], 'passed');
  assert.match(res.report.checks[0].reason, /inputs changed: new_test\.py/);
});

test('an input named literally is hashed even when git ignores it (.env)', () => {
  const r = wholeRepo(repo(), { inputs: ['.env', '*.txt'] });
  r.write('.gitignore', '.env\n').write('.env', 'KEY=1\n').commitAll('init');
  r.heph(['run']);
  assert.is(status(r), 'cached');
  r.write('.env', 'KEY=2\n');
  assert.is(status(r), 'passed');
  r.remove('.env');
  assert.is(status(r), 'passed', 'removing it is a change too');
});

test('timeout is part of the key: changing it re-runs the check', () => {
  const r = wholeRepo(repo(), { timeout: '1m', inputs: ['a.txt'] }); // .heph.json itself is not an input
  r.commitAll('init');
  r.heph(['run']);
  assert.is(status(r), 'cached');
  const cfg = JSON.parse(r.read('.heph.json'));
  cfg.phases[0].checks[0].timeout = '1s';
  r.config(cfg);
  const res = r.hephJson(['run', '--fast']);
  assert.is(statuses(res.report)['q/check'], 'passed');
  assert.is(res.report.checks[0].reason, 'command changed');
});

test('a result stamped in the future counts as expired; status shows no negative age', async () => {
  const r = wholeRepo(repo());
  r.commitAll('init');
  r.heph(['run']);
  // Stamp the stored result an hour ahead, as a clock set back after the run would see it.
  const lib = await import(pathToFileURL(join(CLI, '..', 'index.mjs')).href);
  const store = await lib.openStore({ dir: join(r.dir, '.git', 'heph') });
  const prev = (await store.getResults(['q/check'])).get('q/check');
  await store.putResult('q/check', { ...prev, at: Date.now() + 3600_000 });
  await store.close();
  const st = JSON.parse(r.heph(['status', '--json']).stdout).checks[0];
  assert.ok(st.last.ageMs >= 0, `age ${st.last.ageMs}`);
  assert.is(st.wouldRun, true);
  assert.match(r.heph(['status']).stdout, /passed in the future\s+would run: expired: recorded in the future/);
  assert.is(status(r), 'passed');
});

test('git exec path in front of PATH inside a hook: hook and manual runs share results', () => {
  const r = hookedRepo([{ name: 'check', run: 'true', env: ['PATH'], inputs: ['*.txt'] }]);
  r.write('a.txt', 'a\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'a']).code, 0);
  const res = r.hephJson(['run', '--fast']);
  assert.is(statuses(res.report)['quality/check'], 'cached', res.report.checks[0].reason);
  // What a hook run sees, taken from git itself.
  const exec = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  const env = cleanEnv();
  const inHook = statuses(r.hephJson(['run', '--fast'], { env: { PATH: `${exec}:${env.PATH}`, GIT_EXEC_PATH: exec } }).report)['quality/check'];
  assert.is(inHook, 'cached');
  assert.is(statuses(r.hephJson(['run', '--fast'], { env: { PATH: `/elsewhere:${env.PATH}` } }).report)['quality/check'], 'passed', 'a real PATH change still counts');
});

test.run();
