/** The git funnel: its async, parallel and sync entries build the same arguments and environment; the stash's profile on top. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { git, gitParallel, gitSync, gitSyncResult } from '../../lib/git/exec.js';
import { gitSync as stashGit } from '../../lib/git/stash-git.js';
import { Repo } from '../helpers/repo.js';

// Set before the funnel's first call: it copies the environment once.
process.env.HEPH_T_VAR = 'inherited';
process.env.GIT_EXTERNAL_DIFF = '/bin/false';

const r = new Repo();
const VARS = ['GIT_LITERAL_PATHSPECS', 'GIT_OPTIONAL_LOCKS', 'LC_ALL', 'GIT_TERMINAL_PROMPT', 'HEPH_T_VAR', 'HEPH_T_EXTRA'];
// An alias that shows what git was started with: the environment, and a setting given with -c.
r.git('config', 'alias.show-env', `!for v in ${VARS.join(' ')} HEPH GIT_EXTERNAL_DIFF; do printf '%s=%s\\n' "$v" "$(printenv "$v" || echo -)"; done; git config --get diff.noprefix || echo unset`);
r.git('config', 'diff.noprefix', 'true');

const lines = (b: Buffer) => b.toString('utf8').trim().split('\n');

test('async, parallel and sync entries start git with the same environment and settings', async () => {
  const opts = { cwd: r.dir, literal: true, noLocks: true, env: { HEPH_T_EXTRA: 'x' }, config: ['diff.noprefix=false'] };
  const want = ['GIT_LITERAL_PATHSPECS=1', 'GIT_OPTIONAL_LOCKS=0', 'LC_ALL=C', 'GIT_TERMINAL_PROMPT=0', 'HEPH_T_VAR=inherited', 'HEPH_T_EXTRA=x', 'HEPH=-', 'GIT_EXTERNAL_DIFF=/bin/false', 'false'];
  assert.equal(lines((await git(['show-env'], opts)).stdout), want, 'git');
  const [a, b] = await gitParallel([['show-env'], ['show-env']], opts);
  assert.equal(lines(a.stdout), want, 'gitParallel');
  assert.equal(lines(b.stdout), want, 'gitParallel');
  assert.equal(lines(gitSyncResult(['show-env'], opts).stdout), want, 'gitSyncResult');
  assert.equal(lines(gitSync(['show-env'], opts)!), want, 'gitSync');
  // Without options: none of them, and the user's setting.
  const plain = ['GIT_LITERAL_PATHSPECS=-', 'GIT_OPTIONAL_LOCKS=-', 'LC_ALL=C', 'GIT_TERMINAL_PROMPT=0', 'HEPH_T_VAR=inherited', 'HEPH_T_EXTRA=-', 'HEPH=-', 'GIT_EXTERNAL_DIFF=/bin/false', 'true'];
  assert.equal(lines((await git(['show-env'], { cwd: r.dir })).stdout), plain);
  assert.equal(lines(gitSync(['show-env'], { cwd: r.dir })!), plain);
});

test('a variable removed for one call is not removed for, or kept from, another with the same other variables', () => {
  const keep = gitSyncResult(['show-env'], { cwd: r.dir, env: { HEPH_T_EXTRA: 'y' } });
  const drop = gitSyncResult(['show-env'], { cwd: r.dir, env: { HEPH_T_EXTRA: 'y', HEPH_T_VAR: undefined } });
  assert.ok(lines(keep.stdout).includes('HEPH_T_VAR=inherited'));
  assert.ok(lines(drop.stdout).includes('HEPH_T_VAR=-'), lines(drop.stdout).join(' '));
  assert.ok(lines(gitSyncResult(['show-env'], { cwd: r.dir, env: { HEPH_T_EXTRA: 'y' } }).stdout).includes('HEPH_T_VAR=inherited'));
});

test("the stash's git: literal pathspecs, HEPH=0, no external diff, the user's diff settings overridden unless asked not to", () => {
  const hard = lines(stashGit(r.dir, ['show-env']).stdout);
  assert.ok(hard.includes('GIT_LITERAL_PATHSPECS=1') && hard.includes('HEPH=0') && hard.includes('GIT_EXTERNAL_DIFF=-'), hard.join(' '));
  assert.is(hard[hard.length - 1], 'false');
  assert.is(lines(stashGit(r.dir, ['show-env'], undefined, false).stdout).pop(), 'true');
  // stdin bytes reach git as they are, and a failure is a code, not an exception.
  const name = Buffer.from('caf\xe9\n', 'latin1');
  const hashed = stashGit(r.dir, ['hash-object', '--stdin'], name);
  assert.is(hashed.code, 0, hashed.stderr);
  assert.is(hashed.stdout.toString().trim(), createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${name.length}\0`), name])).digest('hex'));
  const bad = stashGit(r.dir, ['no-such-command']);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, /no-such-command/);
});

test('git that cannot be found is an actionable error (async) or a failed result (sync)', async () => {
  const env = { PATH: '/nonexistent' };
  try {
    await git(['status'], { cwd: r.dir, env });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /git was not found on PATH/);
  }
  assert.is(gitSyncResult(['status'], { cwd: r.dir, env }).code, 1);
  assert.is(gitSync(['status'], { cwd: r.dir, env }), null);
});

test.after(() => r.cleanup());
test.run();
