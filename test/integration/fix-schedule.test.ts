/**
 * The fix flow and its scheduling, with stand-in tools that log when they
 * start and end: how often each fixer starts, that a check never overlaps a
 * fixer of its files, and that every final result describes the content the
 * run leaves (or the commit holds).
 */
import { test } from 'uvu';
import { readFileSync, utimesSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Repo, repoPool, statuses } from '../helpers/repo.js';
import { commit, hookedRepo, show } from '../helpers/hooks.js';
import { overlapping, spans, useTools } from '../helpers/tools.js';

const track = repoPool(test);

const fmt = { name: 'fmt', run: 'fmt --check {files}', fix: 'fmt --write {files}', files: ['*.txt'] };
const lint = { name: 'lint', run: 'lint {files}', fix: 'lint --fix {files}', files: ['*.txt'] };

function repoWith(checks: object[]): Repo {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks }] });
  return r;
}

const reasons = (report: { checks: { name: string; reason: string }[] }) => Object.fromEntries(report.checks.map((c) => [c.name, c.reason]));

test('a linter never reads what a fixer of its files is about to change: no false failure', () => {
  // notrail fails on trailing spaces, which fmt fixes (flake8 next to black).
  const r = repoWith([{ name: 'notrail', run: 'notrail {files}', files: ['*.txt'] }, fmt]);
  const t = useTools(r);
  r.write('a.txt', 'one \n').write('b.txt', 'two\n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '4']);
  assert.equal(statuses(report), { 'q/notrail': 'passed', 'q/fmt': 'fixed' }, JSON.stringify(report.checks));
  assert.is(code, 0);
  assert.equal(overlapping(t.events(), 'notrail', 'fmt'), []);
  assert.is(r.read('a.txt'), 'one\n');
});

test('a check never passes on content a fix then rewrites: no stale pass', () => {
  // noupper passes on "lower"; the fix of `up` turns it into UPPER, which noupper rejects.
  const up = { name: 'up', shell: true, run: '! grep -q lower {files}', fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] };
  const r = repoWith([{ name: 'noupper', run: 'noupper {files}', files: ['*.txt'] }, up]);
  const t = useTools(r);
  r.write('a.txt', 'lower\n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '4']);
  assert.equal(statuses(report), { 'q/noupper': 'failed', 'q/up': 'fixed' }, JSON.stringify(report.checks));
  assert.is(code, 1);
  assert.is(r.read('a.txt'), 'UPPER\n');
  assert.is(t.starts('noupper'), 1);
});

test("a formatter whose fix is its own check starts once, fixed or clean, and only its files' content decides fixed or passed", () => {
  const r = repoWith([fmt]);
  const t = useTools(r);
  r.write('a.txt', 'one \n').write('b.txt', 'two\n').commitAll();
  let { report } = r.hephJson(['run']);
  assert.equal([report.checks[0].status, report.checks[0].reason], ['fixed', 'fix applied to 1 file']);
  assert.is(t.starts('fmt'), 1, 'one start: the fix, no check before it and no recheck');
  assert.is(t.starts('fmt', '--write'), 1);
  ({ report } = r.hephJson(['run']));
  assert.is(report.checks[0].status, 'passed');
  assert.is(t.starts('fmt'), 2);
  ({ report } = r.hephJson(['run', '--no-fix']));
  assert.is(report.checks[0].status, 'passed');
  assert.is(t.starts('fmt', '--check'), 1, 'without fixes the check itself runs');
});

test('a fix that exits 1 after changing files (the pre-commit convention) is judged by the recheck: fixed', () => {
  const r = repoWith([{ name: 'ws', run: 'wsfix --check {files}', fix: 'wsfix {files}', files: ['*.txt'] }]);
  const t = useTools(r);
  r.write('a.txt', 'one \n').commitAll();
  const { code, report } = r.hephJson(['run']);
  assert.is(code, 0);
  assert.equal([report.checks[0].status, report.checks[0].reason], ['fixed', 'fix applied (the fix exited 1), recheck passed']);
  assert.equal([t.starts('wsfix', '--check'), t.starts('wsfix')], [1, 2], 'the fix, then one recheck');
  assert.is(r.read('a.txt'), 'one\n');
});

test('a fix that ran but left a problem it cannot fix says "still failing after fix", not "fix failed"', () => {
  const r = repoWith([lint]);
  useTools(r);
  r.write('a.txt', 'BAD\nUNFIXABLE\n').commitAll();
  const { code, report } = r.hephJson(['run']);
  assert.is(code, 1);
  assert.equal([report.checks[0].status, report.checks[0].reason], ['failed', 'still failing after fix (the fix exited 1)']);
  assert.is(r.read('a.txt'), 'GOOD\nUNFIXABLE\n');
  assert.match(r.heph(['run']).stdout, /q\/lint\s+failed.*still failing after fix[^]*a\.txt: problem/);
});

test('a fix that cannot start is "fix failed"', () => {
  const r = repoWith([{ name: 'gone', run: 'false', fix: 'no-such-fixer-anywhere' }]);
  r.commitAll();
  const { report } = r.hephJson(['run']);
  assert.equal([report.checks[0].status], ['failed']);
  assert.match(report.checks[0].reason, /^fix failed: could not start/);
});

test('fixers sharing files run one after another in config order; a whole-project check runs after every fixer', () => {
  const r = repoWith([lint, fmt, { name: 'types', run: 'types' }, { name: 'noupper', run: 'noupper {files}', files: ['*.txt'] }]);
  const t = useTools(r);
  for (let i = 0; i < 6; i++) r.write(`f${i}.txt`, `BAD ${i} \n`);
  r.commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '4']);
  assert.equal(statuses(report), { 'q/lint': 'fixed', 'q/fmt': 'fixed', 'q/types': 'passed', 'q/noupper': 'passed' }, JSON.stringify(report.checks));
  assert.is(code, 0);
  const ev = t.events();
  assert.equal(overlapping(ev, 'lint', 'fmt'), []);
  const s = spans(ev);
  const fixes = s.filter((x) => /^--(fix|write) /.test(x.args));
  assert.equal(fixes.map((x) => x.tool), ['lint', 'fmt'], 'each fixer started once, lint (first in the config) first');
  const lastFix = Math.max(...fixes.map((x) => x.to));
  const firstRead = Math.min(...s.filter((x) => x.tool === 'types' || x.tool === 'noupper').map((x) => x.from));
  assert.ok(lastFix < firstRead, `readers start after the last fixer ends:\n${JSON.stringify(ev)}`);
  assert.equal(s.filter((x) => x.tool === 'lint' && !x.args.startsWith('--')).length, 1, 'lint checks again the files fmt changed after it');
  assert.is(r.read('f0.txt'), 'GOOD 0\n');
});

test('fixers of disjoint files each start once; --concurrency 1 runs one tool at a time', () => {
  const a = { ...fmt, name: 'fmt-a', files: ['a/*.txt'] };
  const b = { ...lint, name: 'lint-b', files: ['b/*.txt'] };
  const r = repoWith([a, b]);
  const t = useTools(r);
  r.write('a/x.txt', 'x \n').write('b/y.txt', 'BAD\n').commitAll();
  r.hephJson(['run', '--concurrency', '2']);
  assert.is(t.starts('fmt') + t.starts('lint'), 2);
  const serial = repoWith([a, b]);
  const t2 = useTools(serial);
  serial.write('a/x.txt', 'x \n').write('b/y.txt', 'BAD\n').commitAll();
  serial.hephJson(['run', '--concurrency', '1']);
  assert.equal(overlapping(t2.events(), 'fmt', 'lint'), [], '--concurrency 1 runs one tool at a time');
});

test('fixers of disjoint files run side by side', () => {
  const peer = (me: string, other: string) => ({ name: me, run: `peer --check ${me} ${other} {files}`, fix: `peer --write ${me} ${other} {files}`, files: [`${me}/*.txt`] });
  const r = repoWith([peer('a', 'b'), peer('b', 'a')]);
  useTools(r);
  r.write('a/x.txt', 'x\n').write('b/y.txt', 'y\n').commitAll();
  const { code } = r.hephJson(['run', '--concurrency', '2']);
  assert.is(code, 0);
  const ev = r.env.HEPH_TEST_EVENTS!;
  assert.equal([readFileSync(`${ev}.a`, 'utf8'), readFileSync(`${ev}.b`, 'utf8')], ['saw b\n', 'saw a\n']);
});

test('a whole-project check waits only for the fixers of its inputs: it runs beside a fixer of other files', () => {
  // A type checker of `t/` beside a formatter of `a/`: each waits until it sees the other running.
  const fixer = { name: 'a', run: 'peer --check a t {files}', fix: 'peer --write a t {files}', files: ['a/*.txt'] };
  const r = repoWith([fixer, { name: 't', run: 'peer --check t a', inputs: ['t/*.txt'] }]);
  useTools(r);
  r.write('a/x.txt', 'x\n').write('t/y.txt', 'y\n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '2']);
  assert.is(code, 0, JSON.stringify(report.checks));
  const ev = r.env.HEPH_TEST_EVENTS!;
  assert.equal([readFileSync(`${ev}.a`, 'utf8'), readFileSync(`${ev}.t`, 'utf8')], ['saw t\n', 'saw a\n']);
});

test('a whole-project check selected by `files` alone (no `inputs`) still waits for every fixer: it may read their files too', () => {
  // Without inputs set apart, `t` may read a/ (a tsconfig.json a formatter rewrites): it must not run beside `a`.
  const fixer = { name: 'a', run: 'peer --check a t {files}', fix: 'peer --write a t {files}', files: ['a/*.txt'] };
  const r = repoWith([fixer, { name: 't', run: 'peer --check t a', files: ['t/*.txt'] }]);
  useTools(r);
  r.env.PEER_TRIES = '20';
  r.write('a/x.txt', 'x\n').write('t/y.txt', 'y\n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '2']);
  assert.is(code, 0, JSON.stringify(report.checks));
  const ev = r.env.HEPH_TEST_EVENTS!;
  assert.is(readFileSync(`${ev}.a`, 'utf8'), '', 'the fixer never saw the check running');
});

test('a whole-project check whose inputs a fixer writes runs after it, and sees its fix', () => {
  const r = repoWith([fmt, { name: 'types', shell: true, run: 'notrail *.txt', inputs: ['*.txt'] }]);
  const t = useTools(r);
  r.write('a.txt', 'one \n').write('b.txt', 'two\n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '4']);
  assert.equal(statuses(report), { 'q/fmt': 'fixed', 'q/types': 'passed' }, JSON.stringify(report.checks));
  assert.is(code, 0);
  assert.equal(overlapping(t.events(), 'fmt', 'notrail'), []);
});

test('rechecks after a later fix start longest first, by how long each check took in this run', () => {
  // Both pass at once; a later formatter changes a file, so both run again, one at a time.
  const mark = (name: string, wait: string) => ({ name, shell: true, run: `${wait}echo ${name} >> "$HEPH_TEST_EVENTS"`, fix: 'true {files}', files: ['*.txt'] });
  const r = repoWith([mark('quick', ''), mark('slow', 'sleep 1; '), fmt]);
  const t = useTools(r);
  r.write('a.txt', 'one \n').commitAll();
  const { code, report } = r.hephJson(['run', '--concurrency', '1']);
  assert.is(code, 0, JSON.stringify(report.checks));
  const order = t.events().map((e) => e.kind as string).filter((k) => k === 'quick' || k === 'slow');
  assert.equal(order, ['quick', 'slow', 'slow', 'quick'], 'in config order first; the recheck of the slow one first');
});

test('a check whose files a later fix changed is checked again on them', () => {
  // `up` passes on "lower"; the later `mk` rewrites the file to contain "lower" again.
  const up = { name: 'up', shell: true, run: '! grep -q lower {files}', fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] };
  const mk = { name: 'mk', shell: true, run: '! grep -q MAKE {files}', fix: 'sed -i s/MAKE/lower/ {files}', files: ['*.txt'] };
  const r = repoWith([up, mk]);
  useTools(r);
  r.write('a.txt', 'MAKE\n').write('b.txt', 'fine\n').commitAll();
  const { code, report } = r.hephJson(['run']);
  assert.is(code, 1);
  assert.equal(statuses(report), { 'q/up': 'failed', 'q/mk': 'fixed' });
  assert.is(reasons(report).up, 'failed after q/mk changed its files');
  assert.is(r.read('a.txt'), 'lower\n');
});

test('pre-commit: the formatter fixes the staged file in one start and the commit holds the fixed content', () => {
  const r = track(hookedRepo([fmt, { name: 'notrail', run: 'notrail {files}', files: ['*.txt'] }]));
  const t = useTools(r);
  r.write('a.txt', 'one \n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'a']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'one\n');
  assert.is(t.starts('fmt'), 1);
  assert.equal(overlapping(t.events(), 'notrail', 'fmt'), []);
});

test('a fix rewriting a file in place at the same size is seen, whether the file was old or just written', () => {
  const r = repoWith([{ name: 'ip', run: 'inplace --check {files}', fix: 'inplace --write {files}', files: ['*.txt'] }]);
  useTools(r);
  r.write('old.txt', 'lower\n').write('new.txt', 'lower\n').write('clean.txt', 'fine\n').commitAll();
  const past = new Date(Date.now() - 3600_000);
  utimesSync(r.path('old.txt'), past, past);
  const { report } = r.hephJson(['run']);
  assert.equal([report.checks[0].status, report.checks[0].reason], ['fixed', 'fix applied to 2 files']);
  assert.equal([r.read('old.txt'), r.read('new.txt')], ['UPPER\n', 'UPPER\n']);
});

test('a later run whose fixer changed nothing keeps the rollback point of the fixes before it', () => {
  const r = repoWith([fmt]);
  useTools(r);
  r.write('a.txt', 'one \n').commitAll();
  assert.is(r.hephJson(['run']).report.checks[0].status, 'fixed');
  assert.is(r.hephJson(['run']).report.checks[0].status, 'passed');
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.is(r.read('a.txt'), 'one \n');
});

test('pre-commit with unstaged edits elsewhere: a fixer that changed nothing keeps the rollback point of the fixes before it', () => {
  const r = track(hookedRepo([fmt]));
  useTools(r);
  r.write('other.md', 'committed\n').commitAll();
  r.write('a.txt', 'one \n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'a']).code, 0);
  const first = r.git('rev-parse', 'refs/worktree/heph/rollback');
  r.write('other.md', 'edited, not staged\n');
  r.write('b.txt', 'clean\n').git('add', 'b.txt');
  const res = commit(r, ['-m', 'b']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(r.git('rev-parse', 'refs/worktree/heph/rollback'), first, 'the unstaged edit is not taken for a fix');
  assert.is(r.read('other.md'), 'edited, not staged\n');
});

test.run();
