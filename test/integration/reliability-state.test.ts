import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Repo, ROOT, statuses, repoPool } from '../helpers/repo.js';
import { waitFor } from '../helpers/proc.js';

const repo = repoPool(test);

/** A repo with enough stored results (60 checks) that the state file spans many pages. */
function bigRepo(): Repo {
  const r = repo();
  const c = r.counter('c');
  for (let i = 0; i < 40; i++) r.write(`f${i}.txt`, randomBytes(200).toString('hex'));
  r.config({ phases: [{ name: 'p', checks: Array.from({ length: 60 }, (_, i) => ({ name: `c${i}`, run: c })) }] });
  r.commitAll();
  return r;
}

const stateFile = (r: Repo) => r.path('.git/heph/state.sqlite');
const asides = (r: Repo) => readdirSync(r.path('.git/heph')).filter((f) => f.includes('.corrupt-') && !/-(wal|shm|journal)$/.test(f));

/** Starts a process that holds an exclusive SQLite transaction on the state file. */
async function holdSqliteLock(file: string) {
  const ready = file + '.ready';
  const script = `
    const sqlite3 = require(require.resolve('sqlite3', { paths: [${JSON.stringify(ROOT)}] }));
    const db = new sqlite3.Database(${JSON.stringify(file)});
    db.exec("BEGIN EXCLUSIVE; INSERT OR REPLACE INTO keyv (key, value) VALUES ('heph:junk', 'x');", (e) => {
      if (e) { console.error(e); process.exit(1); }
      require('fs').writeFileSync(${JSON.stringify(ready)}, '1');
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  await waitFor(() => existsSync(ready), 'the holder to take the SQLite lock');
  rmSync(ready);
  return { kill: () => (child.kill('SIGKILL'), new Promise((r) => child.on('close', r))) };
}

async function lockedByDeadProcess(file: string): Promise<void> {
  await (await holdSqliteLock(file)).kill();
}

const damage: [string, boolean, (file: string) => void | Promise<void>][] = [
  ['random bytes', true, (f) => writeFileSync(f, randomBytes(8192))],
  ['truncated to one page', true, (f) => truncateSync(f, 4096)],
  ['truncated in the middle', true, (f) => truncateSync(f, Math.floor(statSync(f).size / 2))],
  ['an empty file', false, (f) => writeFileSync(f, '')],
  ['a directory in its place', true, (f) => (rmSync(f), mkdirSync(f))],
  ['a foreign SQLite file', true, (f) => copyFileSync(join(ROOT, 'package.json'), f)],
  ['stale garbage -wal and -shm', false, (f) => (writeFileSync(f + '-wal', randomBytes(10000)), writeFileSync(f + '-shm', randomBytes(32768)))],
  ['locked by a dead process', false, (f) => lockedByDeadProcess(f)],
];

for (const [name, movedAside, hurt] of damage) {
  test(`state store ${name}: the run recovers and goes on`, async () => {
    const r = bigRepo();
    assert.is(r.heph(['run']).code, 0);
    await hurt(stateFile(r));
    const res = r.hephJson(['run', '--fast']);
    assert.is(res.code, 0, res.stderr);
    assert.ok(Object.values(statuses(res.report)).every((s) => s === 'passed' || s === 'cached'));
    if (movedAside) {
      assert.match(res.stderr, /state store was unreadable \(.+\); moved it to .+\.corrupt-/);
      assert.is(asides(r).length, 1);
    } else {
      assert.is(asides(r).length, 0, 'a usable file is kept');
    }
    if (name.startsWith('stale') || name.startsWith('locked')) {
      assert.equal(new Set(Object.values(statuses(res.report))), new Set(['cached']), 'stored results survive');
    }
    // The store works again: the next fast run reuses every result.
    const again = r.hephJson(['run', '--fast']);
    assert.equal(new Set(Object.values(statuses(again.report))), new Set(['cached']), again.stderr);
    assert.not.match(again.stderr, /unreadable|failed/);
  });
}

test('a state file held by a live process is left alone; the run goes on without it', async () => {
  const r = bigRepo();
  assert.is(r.heph(['run']).code, 0);
  const holder = await holdSqliteLock(stateFile(r));
  try {
    const res = r.hephJson(['run', '--fast']);
    assert.is(res.code, 0, res.stderr);
    assert.match(res.stderr, /is held by another process|SQLITE_BUSY/, res.stderr);
    assert.is(asides(r).length, 0, 'a busy file is not damaged: it is not moved aside');
  } finally {
    await holder.kill();
  }
  assert.equal(new Set(Object.values(statuses(r.hephJson(['run', '--fast']).report))), new Set(['cached']), 'the stored results were kept');
});

test('log rotation keeps exactly `keep` logs, the newest; a log holds the run', () => {
  const r = repo();
  const c = r.counter('c', 1);
  r.config({ settings: { logs: { keep: 3 } }, phases: [{ name: 'p', checks: [{ name: 'c', run: c }] }] });
  r.commitAll();
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = r.heph(['run']);
    assert.is(res.code, 1);
    seen.push(/full log: (\S+)/.exec(res.stdout)![1]);
  }
  const kept = readdirSync(r.path('.git/heph/logs')).map((f) => r.path(`.git/heph/logs/${f}`));
  assert.equal(kept.sort(), seen.slice(-3).sort());
  assert.is(r.heph(['logs', '--list']).stdout.trim().split('\n').length, 3);
  const log = r.heph(['logs']).stdout;
  assert.match(log, /^heph run started \S+ pid \d+\nmode full/);
  assert.match(log, /\[p\/c\] run: \[".*c"\]/);
  assert.match(log, /\[p\/c\] run failed \(exit 1, \d+ ms\)/);
  assert.match(log, /heph run ended \S+: failed in \d+ ms\n$/);
});

test('a free-disk threshold above the free space: exit 4, named filesystem, nothing runs', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ settings: { minFreeDiskMB: 1e12 }, phases: [{ name: 'p', checks: [{ name: 'c', run: c }] }] });
  r.commitAll();
  const res = r.heph(['run']);
  assert.is(res.code, 4, res.stderr);
  assert.match(res.stderr, /not enough free disk: [\d.]+ [MG]B free on \/\S* \(for .+\), heph needs 1000000000000 MB \(settings\.minFreeDiskMB\)/);
  assert.is(r.calls('c'), 0);
  assert.not.ok(existsSync(r.path('.git/heph/state.sqlite')), 'nothing was created');
  assert.is(r.heph(['run', '--dry-run']).code, 0, 'read-only commands skip the guard');
  assert.is(r.heph(['status']).code, 0);
});

test.run();
