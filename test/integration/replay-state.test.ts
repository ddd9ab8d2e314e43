/**
 * The replay of a cached pre-commit against heph's own state and other heph
 * processes: TTLs on the real clock, `heph cache clear`, a removed or damaged
 * store, a damaged or foreign replay record, a run lock held by a live
 * process, a killed pre-commit's leftovers, worktrees sharing heph's folder,
 * and run history.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CLI, repoPool } from '../helpers/repo.js';
import { ALL, LIT, ReplayRepo, TXT } from '../helpers/replay-repo.js';
import { HOOK, missReason, replayed } from '../helpers/replay.js';
import { spawnHeph, waitFor } from '../helpers/proc.js';

const pool = repoPool(test);
const home = (r: ReplayRepo) => join(r.dir, '.git', 'heph');
/** The replay records in heph's folder (not the journal). */
const records = (dir: string) => (existsSync(join(dir, 'replay')) ? readdirSync(join(dir, 'replay')).filter((f) => f.endsWith('.json')).map((f) => join(dir, 'replay', f)) : []);

test('a TTL that runs out on the real clock', async () => {
  const r = pool(new ReplayRepo([TXT, { ...LIT, ttl: '1s' }]));
  r.hookEnv = {};
  r.prime();
  // Waits on the clock, not on a process: after this the stored pass is past its TTL whatever the speed.
  const until = Date.now() + 1100;
  while (Date.now() < until) await new Promise((res) => setTimeout(res, 50));
  r.agrees('ttl expired');
});

test('"cached … ago" is the age now, not the age when the record was written', async () => {
  const r = pool(new ReplayRepo());
  r.hookEnv = {};
  r.prime();
  const until = Date.now() + 1500;
  while (Date.now() < until) await new Promise((res) => setTimeout(res, 50));
  const a = r.hook();
  assert.ok(replayed(a), a.stderr);
  assert.not.match(a.stdout, /cached \d+ms ago/, `a result 1.5 s old is not shown as milliseconds old:\n${a.stdout}`);
});

test('per-file certifications of different ages: the oldest one expires first', () => {
  const r = pool(new ReplayRepo([{ ...TXT, ttl: '1h' }]));
  const t0 = 1_900_000_000_000;
  const at = (min: number) => ({ HEPH_NOW: String(t0 + min * 60_000) });
  r.write('a.txt', 'one\n').git('add', 'a.txt');
  assert.is(r.hook(at(0)).code, 0);
  r.write('b.txt', 'two\n').git('add', 'b.txt');
  assert.is(r.hook(at(50)).code, 0);
  r.prime(at(55));
  // a.txt's certification (minute 0) ran out at minute 60; b.txt's (minute 50) has not.
  r.agrees('oldest certification expired', at(61));
});

test('a summary file asked for in the environment is written by every run', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  const file = join(r.base, 'summary.json');
  r.hookEnv = { ...r.hookEnv, HEPH_SUMMARY: file };
  r.tryPrime();
  rmSync(file, { force: true });
  r.hook();
  assert.ok(existsSync(file), 'the pre-commit wrote its summary');
});

test('heph cache clear, of everything and of one check', () => {
  const r = pool(new ReplayRepo());
  r.prime();
  r.heph(['cache', 'clear', 'lit']);
  r.agrees('cache clear lit');
  r.prime();
  r.heph(['cache', 'clear']);
  r.agrees('cache clear');
});

test('the store removed, truncated, or replaced by another copy of itself', () => {
  const r = pool(new ReplayRepo());
  const store = join(home(r), 'state.sqlite');
  r.prime();
  for (const x of ['', '-wal', '-shm']) rmSync(store + x, { force: true });
  r.agrees('store removed');
  r.prime();
  writeFileSync(store, readFileSync(store).subarray(0, 512));
  r.agrees('store truncated');
  // An older copy of the store put back (a backup restored): it holds fewer results.
  r.prime();
  const old = readFileSync(store);
  r.write('b.txt', 'fine\n').git('add', 'b.txt');
  r.prime();
  writeFileSync(store, old);
  r.agrees('older store restored');
});

test('a replay record truncated, edited but still JSON, or taken from another repository', () => {
  const r = pool(new ReplayRepo());
  r.prime();
  const [rec] = records(home(r));
  assert.ok(rec, 'a record was written');
  const text = readFileSync(rec, 'utf8');
  writeFileSync(rec, text.slice(0, text.length >> 1));
  r.agrees('record truncated');
  // The output it prints edited: the seal must reject it.
  r.prime();
  const doc = readFileSync(rec, 'utf8');
  writeFileSync(rec, doc.replace(/cached/g, 'passed'));
  r.agrees('record output edited');
  // Another repository's record under this one's name, in a repository whose pre-commit would fail.
  r.prime();
  const other = pool(new ReplayRepo());
  other.prime();
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  assert.is.not(r.full().code, 0, 'the pre-commit fails now');
  writeFileSync(rec, readFileSync(records(home(other))[0]));
  r.agrees('foreign record');
});

test('linked worktrees sharing heph\'s folder (HEPH_HOME) swap records', () => {
  const r = pool(new ReplayRepo());
  const shared = join(r.base, 'heph-home');
  r.hookEnv = { ...r.hookEnv, HEPH_HOME: shared };
  const wt = join(r.base, 'wt');
  r.git('worktree', 'add', '-q', '-b', 'side', wt);
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  writeFileSync(join(wt, 'b.txt'), 'fine\n');
  r.gitResult(['-C', wt, 'add', 'b.txt']);
  r.prime({}, wt);
  r.agrees('main worktree after the linked one wrote the record');
});

test('a run lock held by a live process', () => {
  const r = pool(new ReplayRepo([TXT, LIT], { settings: { lockTimeout: '1s' } }));
  r.prime();
  writeFileSync(join(home(r), 'run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now() - 1000, token: 'held', command: 'run' }));
  r.agrees('lock held');
});

test('a second heph running a pre-commit (unstaged work aside) while the replay is asked for', async () => {
  // The slow check waits for a file the test writes: it holds the lock and the stash as long as needed.
  const gate = { name: 'gate', shell: true, run: 'if [ -n "$SLOW" ]; then : > ../started; while [ ! -e ../go ]; do sleep 0.05; done; fi', env: ['SLOW'] };
  const r = pool(new ReplayRepo([TXT, LIT, gate], { settings: { lockTimeout: '1s' } }));
  r.write('a.txt', 'unstaged\n');
  r.prime();
  const slow = spawnHeph(r, ['hook', 'run', 'pre-commit'], { env: { SLOW: '1', HEPH_NOW: r.hookEnv.HEPH_NOW! } });
  await waitFor(() => existsSync(join(r.base, 'started')), 'the slow pre-commit to start its check');
  const a = r.hook();
  writeFileSync(join(r.base, 'go'), '');
  await slow.done;
  assert.not.ok(replayed(a), `a replay while another pre-commit holds the lock, with unstaged work aside:\n${a.stdout}${a.stderr}`);
  assert.is(r.read('a.txt'), 'unstaged\n');
});

test('a killed pre-commit\'s leftovers: unstaged work aside, a stale lock', () => {
  const killer = { name: 'killer', shell: true, run: 'if [ -n "$KILL" ]; then kill -9 $PPID; sleep 5; fi', env: ['KILL'] };
  const r = pool(new ReplayRepo([TXT, LIT, killer]));
  r.write('a.txt', 'precious unstaged work\n');
  r.prime();
  const k = r.hook({ KILL: '1' });
  assert.is.not(k.code, 0, 'killed');
  assert.is.not(r.read('a.txt'), 'precious unstaged work\n', 'the work was aside when heph died');
  const a = r.hook();
  assert.not.ok(replayed(a), `a replay over a killed run's leftovers:\n${a.stdout}${a.stderr}`);
  assert.is(r.read('a.txt'), 'precious unstaged work\n', 'the next pre-commit put the work back');
});

test('a fix killed before it saved its rollback point (refs/worktree/heph/before-fix left behind)', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  r.prime();
  r.git('update-ref', 'refs/worktree/heph/before-fix', 'HEAD');
  r.agrees('before-fix ref left');
});

test('a submodule with its own heph: a commit inside it, a change outside it', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  const src = pool(new ReplayRepo([TXT, LIT]));
  r.gitResult(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', src.dir, 'sub']);
  r.commitAll('sub');
  const sub = r.path('sub');
  r.prime({}, sub);
  // The superproject's index and untracked files change; the submodule's do not.
  r.write('b.txt', 'BAD\n').git('add', 'b.txt');
  r.agrees('superproject changed', {}, sub);
  r.prime({}, sub);
  writeFileSync(join(sub, 'a.txt'), 'BAD\n');
  r.gitResult(['-C', sub, 'add', 'a.txt']);
  r.agrees('staged inside the submodule', {}, sub);
});

test('another Node binary (the same version at another path)', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  const other = join(r.base, 'node');
  try {
    linkSync(process.execPath, other);
  } catch {
    copyFileSync(process.execPath, other);
    chmodSync(other, 0o755);
  }
  r.prime();
  const env = { ...r.env, ...r.hookEnv, HEPH_DEBUG: 'replay' };
  const a = spawnSync(other, [CLI, ...HOOK], { cwd: r.dir, env, encoding: 'utf8' });
  assert.is(a.status, 0, a.stderr);
  assert.not.ok(/replayed/.test(a.stderr), `a record made under ${process.execPath} replayed under ${other}`);
});

test("heph's folder no longer writable (the full run warns and runs without stored results)", () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  r.prime();
  // Root ignores modes; an immutable folder is unwritable even for root. Where chattr cannot, nothing is shown here.
  if (spawnSync('chattr', ['+i', home(r)]).status !== 0) return;
  try {
    r.agrees('heph folder unwritable');
  } finally {
    spawnSync('chattr', ['-i', home(r)]);
  }
});

test('heph stats counts replayed runs', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  r.prime();
  const stats = () => JSON.parse(r.heph(['stats', '--json']).stdout);
  const b = stats();
  for (let i = 0; i < 3; i++) assert.ok(replayed(r.hook()), `replay ${i}`);
  const a = stats();
  assert.is(a.runs, b.runs + 3, 'three more runs');
  assert.is(a.failedRuns, b.failedRuns);
  const lit = (s: any) => s.checks.find((c: any) => c.id === 'q/lit');
  assert.is(lit(a).hits, lit(b).hits + 3, 'three more cache hits of q/lit');
  assert.is(lit(a).runs, lit(b).runs, 'a replay runs no check');
  assert.is(a.hits, b.hits + 3);
  // A full run folds the journal into the store: each replayed run is counted once, not again.
  assert.is(r.full().code, 0);
  const c = stats();
  assert.is(c.runs, b.runs + 4, 'three replays and a full run');
  assert.is(lit(c).hits, lit(b).hits + 4);
  assert.is(r.full().code, 0);
  assert.is(stats().runs, b.runs + 5);
});

test('a journal fold killed before it removed what it folded: each replayed run is still counted once', () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  r.prime();
  assert.ok(replayed(r.hook()));
  const journal = join(home(r), 'replay', 'journal');
  const lines = readFileSync(journal);
  assert.is(r.full().code, 0, 'a full run folds the journal');
  const stats = () => JSON.parse(r.heph(['stats', '--json']).stdout);
  const before = stats().runs;
  // What a kill between the fold's last add and its removal of the renamed journal leaves.
  writeFileSync(join(home(r), 'replay', 'journal.000000000000001-1.fold'), lines);
  assert.is(stats().runs, before, 'heph stats');
  assert.is(r.full().code, 0);
  assert.is(stats().runs, before + 1, 'after the next fold');
});

test('two replays at once', async () => {
  const r = pool(new ReplayRepo([TXT, LIT]));
  r.prime();
  const env = { HEPH_DEBUG: 'replay', HEPH_NOW: r.hookEnv.HEPH_NOW! };
  const both = [spawnHeph(r, ['hook', 'run', 'pre-commit'], { env }), spawnHeph(r, ['hook', 'run', 'pre-commit'], { env })];
  const res = await Promise.all(both.map((b) => b.done));
  for (const x of res) assert.is(x.code, 0, x.stderr);
  assert.ok(res.some((x) => /replayed/.test(x.stderr)) || res.every((x) => missReason(x) !== null));
  r.agrees('after two at once');
});

test.run();
