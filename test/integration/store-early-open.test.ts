/**
 * A hook or `heph run` opens the state store's connection before it holds the
 * run lock (git is still being read then). The lock holder may replace the store meanwhile
 * (a broken one is moved aside): the connection opened before must then not
 * be the one the run reads and records into.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CLI, repoPool, statuses } from '../helpers/repo.js';
import { waitFor } from '../helpers/proc.js';

const repo = repoPool(test);

for (const [what, args] of [
  ['a commit', ['hook', 'run', 'pre-commit']],
  ['heph run --fast', ['run', '--fast']],
] as const) {
  test(`a store moved aside while ${what} waits for the lock: it reads the new store, not the one it opened first`, async () => {
    const r = repo();
    const lint = r.counter('lint');
    r.config({ settings: { lockTimeout: '60s' }, phases: [{ name: 'q', checks: [{ name: 'lint', run: `${lint} {files}`, files: ['*.txt'] }] }] });
    r.write('a.txt', 'a\n').commitAll();
    r.write('a.txt', 'b\n').git('add', 'a.txt');
    assert.is(statuses(r.hephJson([...args]).report)['q/lint'], 'passed');
    assert.is(statuses(r.hephJson([...args]).report)['q/lint'], 'cached', 'the stored result is what makes it cached');
    assert.is(r.calls('lint'), 1);

    // Another run (this test's process: alive) holds the lock.
    const lock = r.path('.git/heph/run.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now(), token: 'held', command: 'run' }));
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd: r.dir, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => /waiting for heph/.test(stderr), 'the run to wait for the lock');
      // The holder moves the store aside (as it does with a broken one), then lets go.
      const store = r.path('.git/heph/state.sqlite');
      for (const ext of ['', '-wal', '-shm']) if (existsSync(store + ext)) renameSync(store + ext, `${store}.aside${ext}`);
      rmSync(lock);
      assert.is(await exit, 0, stdout + stderr);
    } finally {
      child.kill('SIGKILL');
    }
    assert.is(statuses(JSON.parse(stdout))['q/lint'], 'passed', 'no stored result in the new store: the check runs');
    assert.is(r.calls('lint'), 2);
    assert.ok(existsSync(r.path('.git/heph/state.sqlite')), 'the result went to a store at the path');
    assert.is(statuses(r.hephJson([...args]).report)['q/lint'], 'cached', 'and is found there next time');
  });
}

test.run();
