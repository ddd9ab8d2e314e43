/**
 * The replay of a cached pre-commit (replay/): a pre-commit that reused every
 * result is printed again by the entry point when nothing it was decided by
 * changed; anything that could change the outcome makes the next one run in
 * full. Each case: a first pre-commit (full, records), a second (replayed),
 * then one change, and the third must not be replayed and must say what a
 * full run says.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { settled } from '../helpers/settle.js';

const track = repoPool(test);
const DEBUG = { HEPH_DEBUG: 'replay' };

/** A repository whose pre-commit reuses every result: a per-file check, a whole-tree one reading an untracked and an ignored file. */
function cachedRepo(): Repo {
  const r = track(new Repo());
  r.config({
    phases: [
      {
        name: 'quality',
        checks: [
          { name: 'files', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] },
          { name: 'whole', shell: true, run: '! grep -qs BAD notes.md .env', inputs: ['*.md', '.env'], env: ['MODE'] },
        ],
      },
    ],
    hooks: { 'pre-commit': {} },
  });
  r.write('.gitignore', '.env\n').write('.env', 'ok\n').write('a.txt', 'a\n').commitAll('base');
  r.write('z.txt', 'z\n').write('d/e/f/g.txt', 'g\n').commitAll('second');
  r.write('notes.md', 'untracked\n').write('b.txt', 'b\n').git('add', 'b.txt');
  return r;
}

const preCommit = (r: Repo, env: Record<string, string | undefined> = {}) => r.heph(['hook', 'run', 'pre-commit'], { env: { ...DEBUG, ...env } });
const replayed = (res: { stderr: string }) => /heph:replay .*replayed/.test(res.stderr);

/** The first run records; the second replays with the same lines. */
function primed(): Repo {
  const r = cachedRepo();
  settled(r);
  const first = preCommit(r);
  assert.is(first.code, 0, first.stderr);
  const second = preCommit(r);
  assert.is(second.code, 0, second.stderr);
  assert.ok(!replayed(second), `the first run checked, the second recorded: ${second.stderr}`);
  settled(r);
  const third = preCommit(r);
  assert.ok(replayed(third), third.stderr);
  const timeless = (s: string) => s.replace(/cached \S+ ago/g, 'cached _ ago').replace(/ in \S+$/m, '');
  assert.is(timeless(third.stdout), timeless(second.stdout), 'the same lines');
  return r;
}

test('a cached pre-commit is replayed, and heph stats counts every run', () => {
  const r = primed();
  const again = preCommit(r);
  assert.ok(replayed(again));
  const runs = () => JSON.parse(r.heph(['stats', '--json']).stdout) as { runs: number; hits: number };
  // Two replayed runs wait in the journal: stats reads them there.
  assert.equal([runs().runs, runs().hits], [4, 6]);
  const full = preCommit(r, { HEPH_REPLAY: '0' });
  assert.is(full.code, 0);
  assert.not.ok(existsSync(join(r.dir, '.git', 'heph', 'replay', 'journal')), 'a full run folds the journal into the store');
  assert.equal([runs().runs, runs().hits], [5, 8]);
});

/** Each change, and what the pre-commit after it must report (never a replay). */
const CHANGES: [string, (r: Repo) => void, number, RegExp?][] = [
  ['a staged file with a defect', (r) => r.write('c.txt', 'BAD\n').git('add', 'c.txt'), 1],
  ['a staged file changed again', (r) => r.write('b.txt', 'BAD\n').git('add', 'b.txt'), 1],
  ['an untracked input edited in place', (r) => r.write('notes.md', 'BAD\n'), 1],
  ['an ignored input named in inputs', (r) => r.write('.env', 'BAD\n'), 1],
  ['a new untracked file a glob matches', (r) => r.write('new.md', 'x\n'), 0, /whole +passed/],
  ['the declared variable', () => {}, 0, /whole +passed/],
  ['HEAD moved with the same index', (r) => r.git('commit', '-q', '--no-verify', '-m', 'b'), 0],
  ['the branch moved under packed refs', (r) => (r.git('pack-refs', '--all'), r.git('update-ref', 'refs/heads/main', 'HEAD~1')), 0],
  ['a replace ref for HEAD', (r) => r.git('replace', 'HEAD', 'HEAD~1'), 0],
  ['HEAD detached at the same commit', (r) => r.git('checkout', '-q', '--detach'), 0],
  ['results cleared', (r) => r.heph(['cache', 'clear']), 0, /files +passed/],
  ['the unstaged config broken', (r) => r.write('.heph.json', '{'), 2],
];

CHANGES.push(
  ['a new file deep in a tracked directory', (r) => r.write('d/e/f/new.txt', 'x\n'), 0],
  ['a .gitignore edited in place to let a file through', (r) => r.write('.gitignore', '# none\n'), 0],
  ['info/exclude ignoring the untracked input', (r) => r.write('.git/info/exclude', 'notes.md\n'), 0, /whole +passed/],
  ['core.excludesFile set in the repository', (r) => (r.write('../ex', 'notes.md\n'), r.git('config', 'core.excludesFile', join(r.base, 'ex'))), 0, /whole +passed/],
);

for (const [name, change, code, says] of CHANGES) {
  test(`not replayed after ${name}`, () => {
    const r = primed();
    change(r);
    const res = preCommit(r, name === 'the declared variable' ? { MODE: 'strict' } : {});
    assert.not.ok(replayed(res), res.stderr);
    assert.is(res.code, code, res.stdout + res.stderr);
    if (says) assert.match(res.stdout, says);
  });
}

test('a replay lists the untracked files with git once, then watches the tree and starts no git process; what ignored directories hold does not stop it', () => {
  const r = cachedRepo();
  r.write('.gitignore', '.env\nnode_modules/\n').write('node_modules/pkg/index.js', '1\n').git('add', '.gitignore');
  // A git on PATH that notes every call, then runs the real one.
  const bin = join(r.base, 'bin');
  const calls = join(r.base, 'git-calls');
  const real = r.git('--exec-path').trim().replace(/\/libexec\/git-core$|\/lib\/git-core$/, '/bin') + '/git';
  r.write('../bin/git', `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${existsSync(real) ? real : '/usr/bin/git'}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  settled(r);
  assert.is(preCommit(r, env).code, 0);
  const recorded = preCommit(r, env);
  assert.match(recorded.stderr, /recorded \(1 git list to run again\)/, recorded.stderr);
  rmSync(calls, { force: true });
  settled(r);
  const first = preCommit(r, env);
  assert.ok(replayed(first), first.stderr);
  assert.match(first.stderr, /record upgraded/, first.stderr);
  assert.is(readFileSync(calls, 'utf8').split('\n')[0], 'ls-files -o --exclude-standard -z', 'the staged list is not asked of git: HEAD was noted');
  rmSync(calls, { force: true });
  r.write('node_modules/pkg/other.js', '2\n');
  const res = preCommit(r, env);
  assert.ok(replayed(res), res.stderr);
  assert.not.ok(existsSync(calls), existsSync(calls) ? readFileSync(calls, 'utf8') : '');
});

test('a full run keeps the last record\'s watch of the tree while nothing of it changed, and the watch still sees a new file', () => {
  const r = primed();
  settled(r);
  const full = preCommit(r, { HEPH_REPLAY: '0' });
  assert.match(full.stderr, /recorded \(0 git lists to run again\)/, full.stderr);
  assert.ok(replayed(preCommit(r)));
  r.write('d/e/new.md', 'BAD\n');
  const res = preCommit(r);
  assert.not.ok(replayed(res), res.stderr);
  assert.is(res.code, 0, 'whole runs again (a new input) and passes: it greps notes.md and .env only');
  assert.match(res.stdout, /whole +passed/);
});

test('not replayed once a reused result expires (HEPH_NOW is both clocks)', () => {
  const r = cachedRepo();
  const cfg = JSON.parse(r.read('.heph.json'));
  cfg.phases[0].checks[1].ttl = '1h';
  r.config(cfg).git('add', '.heph.json');
  const t0 = Date.now();
  settled(r);
  for (let i = 0; i < 2; i++) assert.is(preCommit(r, { HEPH_NOW: String(t0) }).code, 0);
  settled(r);
  assert.ok(replayed(preCommit(r, { HEPH_NOW: String(t0 + 59 * 60_000) })), 'still fresh');
  const late = preCommit(r, { HEPH_NOW: String(t0 + 61 * 60_000) });
  assert.not.ok(replayed(late), late.stderr);
  assert.match(late.stdout, /passed/);
  const early = preCommit(r, { HEPH_NOW: String(t0 - 60_000) });
  assert.not.ok(replayed(early), 'a clock that went back is not trusted');
});

test('not replayed while another run holds the lock, or when a killed run left work aside', () => {
  const r = primed();
  const lock = join(r.dir, '.git', 'heph', 'run.lock');
  writeFileSync(lock, JSON.stringify({ pid: 999999, started: 0 }));
  const locked = preCommit(r);
  assert.not.ok(replayed(locked), locked.stderr);
  assert.ok(!existsSync(lock) || lstatSync(lock).isFile());
});

test('no record while a file the run read could still change without its timestamp showing it', () => {
  const r = cachedRepo();
  settled(r);
  // A time ahead of the record's: the next change might keep it (a file written in the same clock tick does).
  const ahead = new Date(Date.now() + 3600_000);
  utimesSync(r.path('notes.md'), ahead, ahead);
  for (let i = 0; i < 3; i++) {
    const res = preCommit(r);
    assert.is(res.code, 0, res.stderr);
    assert.not.ok(replayed(res), res.stderr);
    if (i) assert.match(res.stderr, /not recorded: a file read was changed too recently/);
  }
  const records = () => readdirSync(join(r.dir, '.git', 'heph', 'replay')).filter((f) => f.endsWith('.json'));
  assert.equal(records(), []);
  const past = new Date(Date.now() - 3600_000);
  utimesSync(r.path('notes.md'), past, past);
  settled(r);
  preCommit(r);
  assert.is(records().length, 1);
  assert.ok(replayed(preCommit(r)));
});

test('not replayed with another command line, HEPH_REPLAY=0 or another terminal setting', () => {
  const r = primed();
  for (const env of [{ HEPH_REPLAY: '0' }, { NO_COLOR: undefined }, { HEPH_SKIP: 'quality/files' }]) {
    const res = preCommit(r, env);
    assert.not.ok(replayed(res), JSON.stringify(env));
  }
  const flagged = r.heph(['hook', 'run', 'pre-commit', '--no-fix'], { env: DEBUG });
  assert.not.ok(replayed(flagged));
});

test.run();
