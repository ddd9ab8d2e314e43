/**
 * A grandchild that leaves the check's process group (setsid) and keeps its
 * stdout open must not hold heph: not past the check's exit, its timeout, or
 * the first Ctrl-C. Each run is bounded well below the grandchild's life, so
 * a heph that waits for the pipe is killed by the bound and the test fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { alive, spawnHeph, waitFor } from '../helpers/proc.js';

const repo = repoPool(test);
const escaped: number[] = [];
test.after.each(() => {
  for (const pid of escaped.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** A check that starts `setsid sleep 600` holding its stdout, records its pid, then does `rest`. */
function escaping(r: Repo, rest: string, extra: Record<string, unknown> = {}): string {
  const pidFile = join(r.base, 'escaped.pid');
  const script = join(r.base, 'escape.sh');
  writeFileSync(script, `#!/bin/sh\nsetsid sh -c 'echo $$ > "${pidFile}"; exec sleep 600' &\nwhile [ ! -s "${pidFile}" ]; do :; done\necho started\n${rest}\n`, { mode: 0o755 });
  r.config({ phases: [{ name: 'p', checks: [{ name: 'esc', run: `sh ${script}`, ...extra }] }] });
  r.commitAll();
  return pidFile;
}

const track = (pidFile: string) => {
  const pid = Number(readFileSync(pidFile, 'utf8'));
  escaped.push(pid);
  return pid;
};

test('the check exits: heph reports it without waiting for the escaped grandchild', async () => {
  const r = repo();
  const pidFile = escaping(r, 'exit 0');
  const res = await spawnHeph(r, ['run', '--json'], { limitMs: 120_000 }).done;
  const pid = track(pidFile);
  assert.is(res.signal, null, 'heph was not killed by the test bound');
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(JSON.parse(res.stdout).checks[0].status, 'passed');
  assert.ok(alive(pid), 'the grandchild is still running (it left the group): heph did not wait for it');
});

test('the timeout stops the check and heph reports the timeout while the grandchild lives on', async () => {
  const r = repo();
  const pidFile = escaping(r, 'sleep 300', { timeout: '1s' });
  const res = await spawnHeph(r, ['run', '--json'], { limitMs: 120_000 }).done;
  track(pidFile);
  assert.is(res.signal, null, 'heph was not killed by the test bound');
  assert.is(res.code, 1, res.stdout + res.stderr);
  assert.match(JSON.parse(res.stdout).checks[0].reason, /timed out/);
});

test('the first Ctrl-C ends the run', async () => {
  const r = repo();
  const pidFile = escaping(r, 'sleep 300');
  const run = spawnHeph(r, ['run'], { limitMs: 120_000 });
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the grandchild to start');
  track(pidFile);
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.is(res.signal, null, 'heph was not killed by the test bound');
  assert.is(res.code, 130, res.stdout + res.stderr);
});

test.run();
