import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Repo, ROOT, repoPool } from '../helpers/repo.js';
import { deadPid, intervals, spawnHeph, stamper, waitFor } from '../helpers/proc.js';
import { breakStale, lockPath, newLockInfo, readLock, tryCreate } from '../../lib/state/lock.js';

const repo = repoPool(test);

const hephDir = (r: Repo) => r.path('.git/heph');

test('concurrent runs never overlap their checks, all finish, and the state stays readable', async () => {
  const r = repo();
  const a = stamper(r, 'a', 0.3);
  const b = stamper(r, 'b', 0.1);
  r.config({ settings: { lockTimeout: '60s' }, phases: [{ name: 'p', checks: [{ name: 'a', run: a.cmd }, { name: 'b', run: b.cmd }] }] });
  r.commitAll();
  for (const n of [2, 5]) {
    const runs = Array.from({ length: n }, () => spawnHeph(r, ['run', '--concurrency', '1']));
    const results = await Promise.all(runs.map((x) => x.done));
    for (const res of results) assert.is(res.code, 0, res.stderr);
    const waits = results.filter((x) => /waiting for heph \(pid \d+\)/.test(x.stdout + x.stderr));
    assert.ok(waits.length >= 1, 'at least one run had to wait');
    for (const w of waits) assert.is((w.stdout + w.stderr).match(/waiting for heph/g)!.length, 1, 'says "waiting" once');
  }
  assert.is(intervals(a.file).length, 14, 'every check of every run ran, one at a time');
  const status = r.hephJson(['status']);
  assert.is(status.code, 0);
  assert.not.match(status.stderr, /unreadable|failed/);
  assert.ok(status.report.checks.every((c: any) => c.last?.status === 'passed'));
  assert.not.ok(existsSync(lockPath(hephDir(r))), 'the lock is released');
});

test('a live holder makes a run wait, then exit 3; read-only commands never wait', async () => {
  const r = repo();
  const slow = join(r.base, 'slow.sh');
  writeFileSync(slow, `#!/bin/sh\ntouch "${r.base}/started"\nsleep 30\n`, { mode: 0o755 });
  const c = r.counter('quick');
  r.config({ settings: { lockTimeout: '1s' }, phases: [{ name: 'p', checks: [{ name: 'slow', run: `sh ${slow}` }, { name: 'quick', run: c }] }] });
  r.commitAll();
  const first = spawnHeph(r, ['run', '--only', 'slow']);
  await waitFor(() => existsSync(join(r.base, 'started')), 'the first run to start its check');
  const second = r.heph(['run', '--only', 'quick']);
  assert.is(second.code, 3, second.stderr);
  assert.match(second.stdout + second.stderr, new RegExp(`waiting for heph \\(pid ${first.pid}\\)`));
  assert.match(second.stderr, /another heph run holds the lock: pid \d+ \(heph run\).*gave up after 1s/);
  assert.is(r.calls('quick'), 0, 'nothing ran');
  for (const args of [['status'], ['logs', '--list'], ['run', '--dry-run']]) {
    const res = r.heph(args, { timeout: 20_000 });
    assert.is(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
    assert.not.match(res.stdout + res.stderr, /waiting/);
  }
  first.child.kill('SIGTERM');
  assert.is((await first.done).code, 143);
  assert.is(r.heph(['run', '--only', 'quick']).code, 0, 'the lock was released on SIGTERM');
});

test('a dead holder’s lock is taken over at once, with a warning', async () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ settings: { lockTimeout: '30s' }, phases: [{ name: 'p', checks: [{ name: 'c', run: c }] }] });
  r.commitAll();
  mkdirSync(hephDir(r), { recursive: true });
  const pid = await deadPid();
  writeFileSync(lockPath(hephDir(r)), JSON.stringify({ pid, host: hostname(), started: Date.now(), token: 'dead' }));
  const res = r.heph(['run']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stderr, new RegExp(`took over the run lock of heph pid ${pid}, which is no longer running`));
  assert.not.match(res.stdout, /waiting/);
  assert.is(r.calls('c'), 1);
});

test('takeover is race-safe: a slow taker never deletes the lock a faster one just took', () => {
  const dir = join(repo().base, 'locks');
  mkdirSync(dir);
  const path = lockPath(dir);
  const stale = { ...newLockInfo(), pid: 999_999_999, token: 'stale' };
  assert.ok(tryCreate(path, stale));
  // A and B both read the stale lock. A breaks it and takes the lock...
  assert.ok(breakStale(path, 'stale'));
  const a = newLockInfo('a');
  assert.ok(tryCreate(path, a));
  // ...then B, acting on what it read before, must not remove A's lock.
  assert.not.ok(breakStale(path, 'stale'));
  assert.is((readLock(path) as { token: string }).token, a.token);
  assert.not.ok(tryCreate(path, newLockInfo('b')), 'B cannot take a held lock');
});

test('six processes racing for one stale lock hold it one at a time', async () => {
  const dir = join(repo().base, 'locks');
  mkdirSync(dir);
  const pid = await deadPid();
  writeFileSync(lockPath(dir), JSON.stringify({ pid, host: hostname(), started: Date.now(), token: 'stale' }));
  const log = join(dir, 'held');
  const mod = join(ROOT, 'build/lib/state/acquire.js');
  const script = `
    import { acquireLock } from ${JSON.stringify(mod)};
    import { appendFileSync } from 'node:fs';
    const l = await acquireLock({ dir: ${JSON.stringify(dir)}, timeoutMs: 30000, pollMs: 5, onTakeover: () => appendFileSync(${JSON.stringify(log)}, 'takeover\\n') });
    appendFileSync(${JSON.stringify(log)}, 'start ' + process.pid + '\\n');
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(${JSON.stringify(log)}, 'end ' + process.pid + '\\n');
    l.release();`;
  const codes = await Promise.all(
    Array.from({ length: 6 }, () => new Promise<number | null>((res) => spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' }).on('close', res))),
  );
  assert.equal(codes, [0, 0, 0, 0, 0, 0]);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.is(lines.filter((l) => l === 'takeover').length, 1, 'exactly one process took the stale lock over');
  const held = lines.filter((l) => l !== 'takeover').map((l) => l.split(' '));
  assert.is(held.length, 12);
  for (let i = 0; i < held.length; i += 2) {
    assert.is(held[i][0], 'start');
    assert.equal(held[i + 1], ['end', held[i][1]], `holders overlapped:\n${lines.join('\n')}`);
  }
});

test.run();
