import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { alive, spawnHeph, waitFor } from '../helpers/proc.js';
import { lockPath } from '../../lib/state/lock.js';

const repo = repoPool(test);

/**
 * A check whose grandchild (a background sleep) writes its pid to a file; with
 * `stubborn` the check ignores SIGTERM, so only the SIGKILL after the grace period stops it.
 */
function longCheck(r: Repo, stubborn = false): { pidFile: string; termFile: string } {
  const pidFile = join(r.base, 'grandchild.pid');
  const script = join(r.base, 'long.sh');
  const termFile = join(r.base, 'got-term');
  const body = stubborn
    ? `trap 'echo TERM >> "${termFile}"' TERM\n(trap '' TERM; exec sleep 300) &\necho $! > "${pidFile}"\nwait\nsleep 300\nsleep 300\n`
    : `sleep 300 &\necho $! > "${pidFile}"\nwait\n`;
  writeFileSync(script, `#!/bin/sh\n${body}`, { mode: 0o755 });
  const quick = r.counter('quick');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'long', run: `sh ${script}` }, { name: 'quick', run: quick }] }, { name: 'later', checks: [{ name: 'x', run: quick }] }] });
  r.commitAll();
  return { pidFile, termFile };
}

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} during a long check: exit ${code}, no process left, what finished is kept, lock released`, async () => {
    const r = repo();
    const { pidFile } = longCheck(r);
    const run = spawnHeph(r, ['run'], { limitMs: 30_000 });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '' && r.calls('quick') === 1, 'the checks to start');
    // The quick check's process has ended; wait until heph has recorded its result too.
    await waitFor(() => /p\/quick\s+cached/.test(r.heph(['run', '--fast', '--dry-run']).stdout), 'the quick result to be stored');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(grandchild));
    run.child.kill(sig);
    const res = await run.done;
    assert.is(res.code, code, res.stderr);
    assert.match(res.stdout, /p\/long\s+not run interrupted/);
    assert.match(res.stdout, /later\/x\s+not run interrupted/);
    await waitFor(() => !alive(grandchild), 'the grandchild to be gone', 5000);
    assert.not.ok(existsSync(lockPath(r.path('.git/heph'))), 'lock released');
    const dry = r.heph(['run', '--fast', '--dry-run']);
    assert.match(dry.stdout, /p\/quick\s+cached/, 'the check that finished was recorded');
    assert.match(dry.stdout, /p\/long\s+would run/);
    const logs = r.heph(['logs']);
    assert.match(logs.stdout, new RegExp(`heph run ended .*: interrupted \\(${sig}\\)`));
  });
}

test('a check that ignores SIGTERM is killed after the grace period', async () => {
  const r = repo();
  const { pidFile, termFile } = longCheck(r, true);
  const run = spawnHeph(r, ['run', '--only', 'long'], { limitMs: 30_000 });
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the check to start');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  run.child.kill('SIGINT');
  await waitFor(() => existsSync(termFile), 'the check to be asked to stop');
  assert.ok(alive(grandchild), 'SIGTERM alone does not stop this tree');
  const res = await run.done;
  assert.is(res.code, 130, res.stderr);
  assert.not.match(res.stderr, /stopped at once/);
  await waitFor(() => !alive(grandchild), 'the grandchild to be gone', 5000);
});

test('a second Ctrl-C forces the exit at once, still killing the tree and releasing the lock', async () => {
  const r = repo();
  const { pidFile, termFile } = longCheck(r, true);
  const run = spawnHeph(r, ['run', '--only', 'long'], { limitMs: 30_000 });
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the check to start');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  run.child.kill('SIGINT');
  await waitFor(() => existsSync(termFile), 'the check to be asked to stop');
  assert.ok(alive(grandchild), 'the tree ignores SIGTERM, so heph is still in its grace period');
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.is(res.code, 130, res.stderr);
  assert.match(res.stderr, /second Ctrl-C: stopped at once/);
  assert.not.ok(existsSync(lockPath(r.path('.git/heph'))), 'the forced exit ran the cleanup that releases the lock');
  await waitFor(() => !alive(grandchild), 'the grandchild to be gone', 5000);
});

test.run();
