/**
 * A lock whose pid now belongs to another program (the holder died and the
 * pid was reused): doctor says so, and the next run takes the lock over
 * instead of waiting for a process that is not heph.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { repoPool } from '../helpers/repo.js';
import { alive, waitFor } from '../helpers/proc.js';

const repo = repoPool(test);

test('a live pid that is not the lock holder: doctor reports it, the next run takes the lock over', async () => {
  if (!existsSync('/proc/self/stat')) return console.log('  (no /proc: process start times are unknown here; skipped)');
  const r = repo();
  r.config({ settings: { lockTimeout: '2s', minFreeDiskMB: 1 }, phases: [{ name: 'p', checks: [{ name: 'c', run: 'true' }] }] });
  r.commitAll();
  const other = spawn('sleep', ['120'], { stdio: 'ignore' });
  try {
    await waitFor(() => alive(other.pid!), 'sleep to start');
    mkdirSync(r.path('.git/heph'), { recursive: true });
    // Taken a minute ago by a heph that has since died; its pid now runs `sleep`, started just now.
    writeFileSync(r.path('.git/heph/run.lock'), JSON.stringify({ pid: other.pid, host: hostname(), started: Date.now() - 60_000, token: 'old', command: 'run' }));
    const doctor = r.heph(['doctor']);
    assert.is(doctor.code, 1, doctor.stdout + doctor.stderr);
    assert.match(doctor.stdout, new RegExp(`✖ lock\\s+left by pid ${other.pid} \\(heph run\\).*\`sleep\`.*not heph.*fix: the next run takes it over`));
    const run = r.heph(['run']);
    assert.is(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`took over the run lock of heph pid ${other.pid}`));
    assert.ok(alive(other.pid!), 'the other program is left alone');
  } finally {
    other.kill('SIGKILL');
  }
});

test('a lock held by a live heph started before it is still respected', async () => {
  const r = repo();
  r.config({ settings: { lockTimeout: '1s' }, phases: [{ name: 'p', checks: [{ name: 'c', run: 'true' }] }] });
  r.commitAll();
  mkdirSync(r.path('.git/heph'), { recursive: true });
  writeFileSync(r.path('.git/heph/run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now(), token: 'live', command: 'run' }));
  const run = r.heph(['run']);
  assert.is(run.code, 3, run.stdout + run.stderr);
  assert.match(r.heph(['doctor']).stdout, /✔ lock\s+held by pid/);
});

test.run();
