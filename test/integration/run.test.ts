import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, Repo, statuses, repoPool } from '../helpers/repo.js';
import { exited, waitFor } from '../helpers/proc.js';

const repo = repoPool(test);

/** A repo with two phases: env (one check) and quality (a file-scoped check over *.py). */
function pyRepo() {
  const r = repo();
  const env = r.counter('envcheck');
  const lint = r.counter('lint');
  r.write('a.py', 'print(1)\n').write('b.py', 'print(2)\n').write('README.md', '# hi\n');
  r.config({
    phases: [
      { name: 'environment', checks: [{ name: 'tool', run: env, inputs: ['pyproject.toml'] }] },
      { name: 'quality', checks: [{ name: 'lint', run: `${lint} {files}`, files: ['*.py'] }] },
    ],
  });
  r.commitAll('init');
  return r;
}

test('run executes every phase and stores results; --fast reuses unchanged ones', () => {
  const r = pyRepo();
  let res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(statuses(res.report), { 'environment/tool': 'passed', 'quality/lint': 'passed' });
  assert.is(r.calls('envcheck'), 1);
  assert.equal(r.callArgs('lint')[0].sort(), ['a.py', 'b.py']);

  res = r.hephJson(['run', '--fast']);
  assert.is(res.code, 0);
  assert.equal(statuses(res.report), { 'environment/tool': 'cached', 'quality/lint': 'cached' });
  assert.match(res.report.checks[1].reason, /^cached \S+ ago \(all 2 files\)$/);
  assert.is(r.calls('lint'), 1, 'a cached check is not re-run');

  // Without --fast every check runs again (full mode).
  res = r.hephJson(['run']);
  assert.is(r.calls('lint'), 2);
  assert.is(res.report.mode, 'full');
});

test('a changed input re-runs exactly the checks that depend on it, and says which file', () => {
  const r = pyRepo();
  r.heph(['run']);
  r.write('b.py', 'print(3)\n');
  const dry = r.heph(['run', '--fast', '--dry-run']);
  assert.match(dry.stdout, /quality\/lint\s+would run 1 of 2 files changed: b\.py \[1 file of 2\]/);
  assert.match(dry.stdout, /environment\/tool\s+cached/);
  const res = r.hephJson(['run', '--fast']);
  assert.equal(statuses(res.report), { 'environment/tool': 'cached', 'quality/lint': 'passed' });
  assert.is(r.calls('lint'), 2);
  assert.equal(r.callArgs('lint').at(-1), ['b.py'], 'a per-file check is given only the changed file');
  assert.is(r.calls('envcheck'), 1);
  // Reverting the content: that content of b.py was certified by the first run.
  r.write('b.py', 'print(2)\n');
  assert.equal(statuses(r.hephJson(['run', '--fast']).report)['quality/lint'], 'cached');
});

test('untracked files matching inputs are part of the fingerprint; ignored ones are not', () => {
  const r = pyRepo();
  r.config({ phases: [{ name: 'quality', checks: [{ name: 'lint', run: `${r.counter('lint')} {files}`, files: ['*.py'], incremental: false }] }] });
  r.write('.gitignore', 'ignored.py\n').commitAll('ignore');
  r.heph(['run']);
  r.write('ignored.py', 'x = 1\n');
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['quality/lint'], 'cached');
  r.write('new.py', 'x = 2\n');
  const res = r.hephJson(['run', '--fast']);
  assert.is(statuses(res.report)['quality/lint'], 'passed');
  assert.match(res.report.checks[0].reason, /inputs changed: new\.py/);
  // An untracked file is an input but not a `files` target: files come from tracked files.
  assert.not.ok(r.callArgs('lint').at(-1)!.includes('new.py'));
});

test('a stat-only change (touch) is not a miss; a mode change is', () => {
  const r = pyRepo();
  r.heph(['run']);
  r.write('a.py', 'print(1)\n'); // same content, new mtime
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['quality/lint'], 'cached');
  r.git('update-index', '--chmod=+x', 'a.py');
  r.write('a.py', 'print(1)\n', 0o755);
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['quality/lint'], 'passed');
});

test('ttl expiry re-runs a check; ttl is reported in the cached reason', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: c, ttl: '1s', inputs: ['x'] }] }] });
  r.write('x', '1').commitAll();
  // The clock is fixed per run (HEPH_NOW), so no run depends on how long the previous one took.
  const t0 = 1_700_000_000_000;
  const at = (ms: number) => ({ env: { HEPH_NOW: String(t0 + ms) } });
  r.heph(['run'], at(0));
  let res = r.hephJson(['run', '--fast'], at(999));
  assert.is(res.report.checks[0].status, 'cached');
  assert.match(res.report.checks[0].reason, /\(ttl 1s\)/);
  res = r.hephJson(['run', '--fast'], at(1001));
  assert.is(res.report.checks[0].status, 'passed');
  assert.match(res.report.checks[0].reason, /expired/);
  assert.is(r.calls('c'), 2);
});

test('a declared env variable is part of the fingerprint', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: c, env: ['TARGET'], inputs: ['x'] }] }] });
  r.write('x', '1').commitAll();
  r.heph(['run'], { env: { TARGET: 'a' } });
  assert.is(r.hephJson(['run', '--fast'], { env: { TARGET: 'a' } }).report.checks[0].status, 'cached');
  const res = r.hephJson(['run', '--fast'], { env: { TARGET: 'b' } });
  assert.is(res.report.checks[0].status, 'passed');
  assert.is(res.report.checks[0].reason, 'env changed: TARGET');
  // unset differs from empty
  r.heph(['run'], { env: { TARGET: '' } });
  assert.is(r.hephJson(['run', '--fast'], { env: { TARGET: undefined } }).report.checks[0].status, 'passed');
});

test('a config change to the command misses the cache', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: c, inputs: ['x'] }] }] });
  r.write('x', '1').commitAll();
  r.heph(['run']);
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: `${c} --strict`, inputs: ['x'] }] }] });
  const res = r.hephJson(['run', '--fast']);
  assert.is(res.report.checks[0].status, 'passed');
  assert.is(res.report.checks[0].reason, 'command changed');
});

test('default inputs are every tracked file', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: c }] }] });
  r.write('deep/dir/x.txt', '1').commitAll();
  r.heph(['run']);
  assert.is(r.hephJson(['run', '--fast']).report.checks[0].status, 'cached');
  r.write('deep/dir/x.txt', '2');
  assert.is(r.hephJson(['run', '--fast']).report.checks[0].status, 'passed');
});

test('platform, tags, HEPH_SKIP, --phase and --only select checks', () => {
  const r = repo();
  const c = r.counter('c');
  r.config({
    phases: [
      { name: 'one', checks: [{ name: 'mac', run: c, platform: ['darwin', 'win32'] }, { name: 'unit', run: c, tags: ['test'] }, { name: 'lint', run: c }] },
      { name: 'two', checks: [{ name: 'other', run: c }] },
    ],
  });
  r.write('x', '1').commitAll();
  let res = r.hephJson(['run', '--skip-tests']);
  assert.equal(statuses(res.report), { 'one/mac': 'skipped', 'one/unit': 'skipped', 'one/lint': 'passed', 'two/other': 'passed' });
  assert.is(res.report.checks[0].reason, 'platform darwin, win32 only');
  assert.is(res.report.checks[1].reason, 'tag test skipped');
  res = r.hephJson(['run'], { env: { HEPH_SKIP_TESTS: '1', HEPH_SKIP: 'lint,two/other' } });
  assert.equal(statuses(res.report), { 'one/mac': 'skipped', 'one/unit': 'skipped', 'one/lint': 'skipped', 'two/other': 'skipped' });
  assert.is(res.report.checks[2].reason, 'skipped by HEPH_SKIP');
  res = r.hephJson(['run', '--phase', 'two']);
  assert.equal(statuses(res.report), { 'two/other': 'passed' });
  res = r.hephJson(['run', '--only', 'one/lint', '--only', 'other']);
  assert.equal(statuses(res.report), { 'one/lint': 'passed', 'two/other': 'passed' });
  const bad = r.heph(['run', '--only', 'nope']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown check "nope"/);
  assert.not.match(bad.stderr, /at .*\.mjs/);
});

test('a failing phase stops the run; later phases are not run; exit 1 with the output tail', () => {
  const r = repo();
  const ok = r.counter('ok');
  const bad = r.counter('bad', 3);
  r.config({
    phases: [
      { name: 'first', checks: [{ name: 'bad', run: `sh -c "echo boom-line; ${bad}"` }, { name: 'ok', run: ok }] },
      { name: 'second', checks: [{ name: 'later', run: ok }] },
    ],
  });
  r.write('x', '1').commitAll();
  const res = r.heph(['run']);
  assert.is(res.code, 1);
  assert.match(res.stdout, /first\/bad\s+failed/);
  assert.match(res.stdout, /boom-line/);
  assert.match(res.stdout, /second\/later\s+not run/);
  assert.match(res.stdout, /full log: .*\.log/);
  assert.is(r.calls('ok'), 1, 'checks in the failing phase still finish; later phases do not start');
  // A failed result is never reused.
  const again = r.hephJson(['run', '--fast']);
  assert.is(again.report.checks[0].status, 'failed');
  assert.is(again.report.checks[0].reason, 'failed last time');
  assert.is(again.report.checks[2].status, 'not-run');
  assert.is(again.report.checks[2].reason, 'phase first failed');
});

test('{files} passes hostile names as single arguments, split below the argument limit', () => {
  const r = repo();
  const c = r.counter('c');
  const names = ['sp ace.txt', '-dash.txt', 'new\nline.txt', 'ünï.txt', "quo'te\".txt", '$(touch pwned).txt'];
  for (const n of names) r.write(n, n);
  for (let i = 0; i < 300; i++) r.write(`many/file-${String(i).padStart(3, '0')}.txt`, String(i));
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: `${c} --flag {files}`, files: ['*.txt'] }] }] });
  r.commitAll();
  const res = r.heph(['run'], { env: { HEPH_ARG_MAX: '4000' } });
  assert.is(res.code, 0, res.stdout + res.stderr);
  const calls = r.callArgs('c');
  assert.ok(calls.length > 1, 'the list was split into several invocations');
  for (const call of calls) assert.is(call[0], '--flag');
  const seen = calls.flatMap((c) => c.slice(1));
  assert.is(seen.length, 306);
  // A leading dash is given as ./-name, so no tool reads it as an option.
  for (const n of names) assert.ok(seen.includes(n.startsWith('-') ? `./${n}` : n), `passed intact: ${JSON.stringify(n)}`);
  assert.not.ok(r.exists('pwned'));
});

test('shell: true runs through sh with files as positional arguments', () => {
  const r = repo();
  const c = r.counter('c');
  r.write('a b.txt', '1').write('$(x).txt', '2');
  r.config({ phases: [{ name: 'p', checks: [{ name: 's', shell: true, run: `for f in {files}; do echo "$f"; done | ${c} && test -n "$HOME"`, files: ['*.txt'] }] }] });
  r.commitAll();
  const res = r.heph(['run']);
  assert.is(res.code, 0, res.stdout);
  assert.is(r.calls('c'), 1);
});

test('timeout kills the whole process tree and counts as a failure', async () => {
  const r = repo();
  const marker = join(r.base, 'survivor');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'slow', shell: true, run: `sleep 300 & echo $! > ${marker}; sleep 30`, timeout: '500ms' }] }] });
  r.write('x', '1').commitAll();
  const res = r.hephJson(['run'], { timeout: 25_000 });
  assert.is(res.code, 1, 'heph ended before the check would have (30 s)');
  assert.is(res.report.checks[0].status, 'failed');
  assert.match(res.report.checks[0].reason, /timed out/);
  // Waits on the process itself (bounded), not on the clock.
  const grandchild = Number(readFileSync(marker, 'utf8'));
  await waitFor(() => exited(grandchild), 'the background grandchild to be killed too');
});

test('cwd runs a check in a subdirectory; heph works from any subdirectory', () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'pwd', shell: true, run: 'test "$(basename "$PWD")" = sub', cwd: 'sub' }] }] });
  r.write('sub/x', '1').commitAll();
  mkdirSync(r.path('sub/deeper'), { recursive: true });
  const res = r.hephJson(['run'], { cwd: r.path('sub/deeper') });
  assert.is(res.code, 0, res.stderr);
  assert.is(res.report.checks[0].status, 'passed');
});

test('--json prints the SPEC report and nothing else on stdout', () => {
  const r = pyRepo();
  const res = r.hephJson(['run']);
  const rep = res.report;
  assert.is(rep.version, 1);
  assert.is(rep.ok, true);
  assert.is(rep.mode, 'full');
  assert.is(rep.event, null);
  assert.type(rep.durationMs, 'number');
  for (const c of rep.checks) {
    for (const k of ['phase', 'name', 'status', 'reason', 'durationMs', 'exitCode', 'fingerprint']) assert.ok(k in c, `check has ${k}`);
    assert.match(c.fingerprint, /^[0-9a-f]{64}$/);
  }
});

test('--dry-run runs nothing and writes nothing', () => {
  const r = pyRepo();
  const res = r.heph(['run', '--dry-run']);
  assert.is(res.code, 0);
  assert.match(res.stdout, /environment\/tool\s+would run full mode/);
  assert.is(r.calls('envcheck') + r.calls('lint'), 0);
  assert.not.ok(existsSync(join(r.dir, '.git', 'heph')), 'no state or log written');
  const fast = r.hephJson(['run', '--fast', '--dry-run']);
  assert.is(fast.report.checks[0].reason, 'no previous result');
  r.heph(['run']);
  const cached = r.heph(['run', '--fast', '--dry-run'], { env: { HEPH_DRY_RUN: '1' } });
  assert.match(cached.stdout, /quality\/lint\s+cached\s+cached \S+ ago/);
});

test('status shows last results and what would run; cache clear forgets', () => {
  const r = pyRepo();
  let st = r.heph(['status']);
  assert.match(st.stdout, /environment\/tool\s+never run/);
  r.heph(['run']);
  r.write('a.py', 'changed\n');
  const js = JSON.parse(r.heph(['status', '--json']).stdout);
  const byName = Object.fromEntries(js.checks.map((c: any) => [c.name, c]));
  assert.is(byName.tool.last.status, 'passed');
  assert.is(byName.tool.wouldRun, false);
  assert.is(byName.lint.wouldRun, true);
  assert.match(byName.lint.reason, /1 of 2 files changed: a\.py/);
  assert.equal(byName.lint.files, { total: 2, uncertified: 1 });
  const cleared = r.heph(['cache', 'clear', 'tool']);
  assert.is(cleared.code, 0);
  assert.match(cleared.stdout, /forgot 1 stored result/);
  st = r.heph(['status']);
  assert.match(st.stdout, /environment\/tool\s+never run/);
  assert.is(r.heph(['cache', 'clear', 'nope']).code, 2);
  assert.match(r.heph(['cache', 'clear']).stdout, /forgot 1 stored result/);
});

test('HEPH_HOME moves the state folder', () => {
  const r = pyRepo();
  const home = join(r.base, 'state-home');
  r.heph(['run'], { env: { HEPH_HOME: home } });
  assert.ok(existsSync(join(home, 'state.sqlite')));
  assert.not.ok(existsSync(join(r.dir, '.git', 'heph', 'state.sqlite')));
  assert.is(r.hephJson(['run', '--fast'], { env: { HEPH_HOME: home } }).report.checks[0].status, 'cached');
});

test('--concurrency must be a positive integer', () => {
  const r = pyRepo();
  const res = r.heph(['run', '--concurrency', 'zero']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /--concurrency must be a positive integer/);
});

test('a bad .heph.json exits 2 with every problem, and no stack trace', () => {
  const r = repo();
  r.write('x', '1').commitAll();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'a', ttl: 5 }, { name: 'a', run: 'x', imputs: [] }] }] });
  let res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /\.heph\.json is not valid \(4 problems\)/);
  assert.match(res.stderr, /phases\[0\]\.checks\[0\]\.run: expected a non-empty command, found nothing/);
  assert.match(res.stderr, /phases\[0\]\.checks\[0\]\.ttl: expected a duration .* found 5/);
  assert.match(res.stderr, /imputs: .*did you mean "inputs"\?/);
  assert.match(res.stderr, /checks\[1\]\.name: expected a check name unique in its phase/);
  assert.not.match(res.stderr, /\n\s+at /);
  r.write('.heph.json', '{\n  "phases": [\n    { "name": "p" "checks": [] }\n  ]\n}\n');
  res = r.heph(['run', '--dry-run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /\.heph\.json:3:19: invalid JSON/);
  r.remove('.heph.json');
  res = r.heph(['status']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /no \.heph\.json in .*\n.*heph init/);
});

test('outside a git repository: exit 2 with a clear message', () => {
  const r = repo();
  const res = r.heph(['run'], { cwd: r.base });
  assert.is(res.code, 2);
  assert.match(res.stderr, /not inside a git repository/);
});

test('unknown commands and flags are usage errors', () => {
  const r = pyRepo();
  assert.is(r.heph(['frobnicate']).code, 2);
  const res = r.heph(['run', '--fats']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /Unknown option/i);
});

test('checks of a phase run concurrently (--concurrency), fixes one at a time', () => {
  const r = repo();
  const dir = r.base;
  // Each check waits for the other to have started: only passes when both run at once.
  const meet = (me: string, other: string) => `touch ${dir}/${me}; for i in $(seq 50); do test -e ${dir}/${other} && exit 0; sleep 0.1; done; exit 1`;
  r.config({
    phases: [{ name: 'p', checks: [
      { name: 'a', shell: true, run: meet('a', 'b') },
      { name: 'b', shell: true, run: meet('b', 'a') },
    ] }],
  });
  r.write('x', '1').commitAll();
  let res = r.hephJson(['run', '--concurrency', '2']);
  assert.equal(statuses(res.report), { 'p/a': 'passed', 'p/b': 'passed' });
  r.remove('../a').remove('../b');
  res = r.hephJson(['run'], { env: { HEPH_CONCURRENCY: '1' } });
  assert.is(res.code, 1, 'one at a time, the first check waits in vain');

  // Fixes: each records when it starts and ends; no two overlap.
  const log = `${dir}/fixes.log`;
  const fix = (n: string) => `echo start ${n} >> ${log}; sleep 0.3; echo end ${n} >> ${log}; touch ${dir}/fixed-${n}`;
  r.config({
    phases: [{ name: 'p', checks: ['f1', 'f2', 'f3'].map((n) => ({ name: n, shell: true, run: `test -e ${dir}/fixed-${n}`, fix: fix(n) })) }],
  });
  res = r.hephJson(['run', '--concurrency', '3']);
  assert.equal(statuses(res.report), { 'p/f1': 'fixed', 'p/f2': 'fixed', 'p/f3': 'fixed' });
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.is(lines.length, 6);
  for (let i = 0; i < 6; i += 2) {
    assert.match(lines[i], /^start /);
    assert.is(lines[i + 1], lines[i].replace('start', 'end'), 'a fix ends before the next starts');
  }
});

test('a command that cannot be started at all (ETXTBSY: open for writing) fails its check, not heph', () => {
  const r = repo();
  const tool = join(r.base, 'tool');
  writeFileSync(tool, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  r.config({ phases: [{ name: 'p', checks: [{ name: 'busy', run: tool }, { name: 'ok', run: 'true' }] }] });
  r.commitAll();
  const fd = openSync(tool, 'a'); // a file being written cannot be executed: spawn throws ETXTBSY
  try {
    const { code, report, stderr } = r.hephJson(['run']);
    assert.is(code, 1, stderr);
    assert.equal(statuses(report), { 'p/busy': 'failed', 'p/ok': 'passed' });
    assert.match(report.checks[0].reason, /could not start .*tool: .*ETXTBSY/);
  } finally {
    closeSync(fd);
  }
});

test('a reader that goes away (heph run | head) ends the output, not the run: no stack trace, results kept', async () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'a', run: 'true' }, { name: 'b', run: 'true' }] }] });
  r.commitAll();
  const child = spawn(process.execPath, [CLI, 'run'], { cwd: r.dir, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.destroy(); // closed before heph writes its first line
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.is(code, 0, stderr);
  assert.not.match(stderr, /EPIPE|\n\s+at /);
  assert.match(r.heph(['run', '--fast', '--dry-run']).stdout, /p\/a\s+cached[\s\S]*p\/b\s+cached/, 'the run finished and recorded its results');
});

test('--no-fix and HEPH_AUTO_FIX=0 never run fix commands', () => {
  const r = repo();
  const fix = r.counter('fix');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: 'false', fix }] }] });
  r.write('x', '1').commitAll();
  assert.is(r.hephJson(['run', '--no-fix']).report.checks[0].status, 'failed');
  assert.is(r.hephJson(['run'], { env: { HEPH_AUTO_FIX: '0' } }).report.checks[0].status, 'failed');
  assert.is(r.calls('fix'), 0);
  assert.is(r.hephJson(['run']).report.checks[0].status, 'failed');
  assert.is(r.calls('fix'), 1, 'with auto-fix on, the fix runs (and the recheck still fails)');
});

test.run();
