import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Repo } from '../helpers/repo.js';
import { summarize } from '../../lib/report/stats.js';
import { weekOf } from '../../lib/report/stats-trends.js';

test('the history names why checks re-ran, which inputs caused it, flaky checks, skips and removed checks', () => {
  const r = new Repo();
  try {
    const flag = join(r.base, 'flag');
    const checks = [
      { name: 'lint', run: 'true', inputs: ['src/**'] },
      { name: 'flip', shell: true, run: `test ! -e "${flag}"`, inputs: ['src/**'] },
      { name: 'unit', run: 'true', tags: ['test'], inputs: ['src/**'] },
      { name: 'gone', run: 'true', inputs: ['src/**'] },
    ];
    r.config({ phases: [{ name: 'p', checks }] });
    r.write('src/a.txt', '1').write('src/b.txt', '1').commitAll();
    assert.is(r.heph(['run', '--fast']).code, 0);
    r.write('src/a.txt', '2');
    assert.is(r.heph(['run', '--fast']).code, 0);
    writeFileSync(flag, '');
    assert.is(r.heph(['run', '--only', 'flip']).code, 1, 'same inputs, now failing');
    rmSync(flag);
    assert.is(r.heph(['run', '--skip-tests'], { env: { HEPH_SKIP: 'lint' } }).code, 0);
    r.config({ phases: [{ name: 'p', checks: checks.filter((c) => c.name !== 'gone') }] });
    const res = r.heph(['stats', '--json']);
    assert.is(res.code, 0, res.stderr);
    const s = JSON.parse(res.stdout);
    assert.is(s.runs, 4);
    const reasons = Object.fromEntries(s.missReasons.map((t: any) => [t.key, t.count]));
    assert.equal(reasons, { 'no previous result': 4, 'inputs changed': 4, 'full mode': 3 });
    assert.equal(s.missInputs.map((t: any) => [t.key, t.count]), [['src/a.txt', 4]], 'the changed file, once per check it made re-run');
    assert.equal(s.flaky.map((f: any) => [f.id, f.passed, f.failed]), [['p/flip', 2, 1]]);
    assert.equal(s.flaky[0].runs.map((x: any) => x.status), ['passed', 'failed', 'passed']);
    const byCheck = Object.fromEntries(s.checks.map((c: any) => [c.id, c]));
    assert.ok(byCheck['p/flip'].flaky);
    assert.ok(byCheck['p/gone'].removed, 'a check no longer in the config is marked');
    assert.not.ok(byCheck['p/lint'].removed);
    assert.equal(Object.fromEntries(s.skips.map((t: any) => [t.key, t.count])), { 'skipped by HEPH_SKIP': 1, 'tag test skipped': 1 });
    assert.equal(s.skipRuns, { skipTests: 1, envSkip: 1 });
    assert.equal(s.events.map((e: any) => [e.key, e.runs, e.failedRuns]), [['run', 4, 1]]);
    assert.match(r.heph(['stats']).stdout, /p\/gone \(removed\)/);
  } finally {
    r.cleanup();
  }
});

test('a fix that heph rollback undid is counted as rolled back', () => {
  const r = new Repo();
  try {
    r.config({ phases: [{ name: 'p', checks: [{ name: 'fmt', shell: true, run: 'grep -q tidy f.txt', fix: 'echo tidy > f.txt', inputs: ['f.txt'] }] }] });
    r.write('f.txt', 'messy, and longer than the fix').commitAll();
    assert.is(r.hephJson(['run']).report.checks[0].status, 'fixed');
    const rb = r.heph(['rollback']);
    assert.is(rb.code, 0, rb.stderr);
    assert.is(r.read('f.txt'), 'messy, and longer than the fix');
    const s = JSON.parse(r.heph(['stats', '--json']).stdout);
    assert.is(s.runs, 1, 'a rollback is not a run');
    assert.equal(s.fixes.byCheck, [{ id: 'p/fmt', applied: 1, rolledBack: 1 }]);
    assert.equal(s.fixes.rollbacks.map((x: any) => x.checks), [['p/fmt']]);
  } finally {
    r.cleanup();
  }
});

test('old history rows (without reasons, sources or kinds) still count; rollbacks and interruptions are reported (pure)', () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 10, 23, 12); // a Monday
  const s = summarize([
    { at: t0, mode: 'full', event: null, ok: true, durationMs: 5, checks: [{ id: 'p/a', status: 'passed', durationMs: 100 }] },
    { at: t0 + day, mode: 'fast', event: 'pre-commit', ok: true, durationMs: 1, checks: [{ id: 'p/a', status: 'cached', durationMs: 0, savedMs: 100, source: 'remote' }] },
    { at: t0 + day, mode: 'fast', event: 'pre-commit', ok: true, durationMs: 1, checks: [{ id: 'p/a', status: 'fixed', durationMs: 50, reason: 'failed last time' }] },
    { at: t0 + 2 * day, kind: 'rollback', mode: 'full', event: null, ok: true, durationMs: 0, checks: [{ id: 'p/a', status: 'rolled-back', durationMs: 0 }] },
    { at: t0 + 7 * day, mode: 'full', event: 'pre-push', ok: false, durationMs: 1, interrupted: 'SIGINT', checks: [{ id: 'p/a', status: 'not-run', durationMs: 0 }] },
  ]);
  assert.is(s.runs, 4, 'the rollback row is not a run');
  assert.equal([s.hits, s.localHits, s.remoteHits, s.executions], [1, 0, 1, 2]);
  assert.is(s.hitRate, 1 / 3);
  assert.equal(s.fixes, { applied: 1, rolledBack: 1, byCheck: [{ id: 'p/a', applied: 1, rolledBack: 1 }], rollbacks: [{ at: t0 + 2 * day, checks: ['p/a'] }] });
  assert.equal(s.interrupted, [{ at: t0 + 7 * day, event: 'pre-push', signal: 'SIGINT', notRun: 1 }]);
  assert.equal(s.days.map((d) => [d.key, d.runs]), [['2026-11-23', 1], ['2026-11-24', 2], ['2026-11-30', 1]]);
  assert.equal(s.weeks.map((w) => [w.key, w.runs, w.spentMs, w.savedMs]), [['2026-11-23', 3, 150, 100], ['2026-11-30', 1, 0, 0]]);
  assert.is(weekOf(Date.UTC(2026, 10, 29, 23)), '2026-11-23', 'a Sunday belongs to the week of the Monday before');
  assert.equal(s.missReasons, [{ key: 'failed last time', count: 1, checks: [{ id: 'p/a', count: 1 }] }]);
});

test.run();
