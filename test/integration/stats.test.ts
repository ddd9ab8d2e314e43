import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo } from '../helpers/repo.js';
import { summarize } from '../../lib/report/stats.js';

test('summarize counts runs, hits, failures, time spent and saved (pure)', () => {
  const s = summarize([
    { at: 1, mode: 'full', event: null, ok: false, durationMs: 30, checks: [{ id: 'p/a', status: 'passed', durationMs: 10 }, { id: 'p/b', status: 'failed', durationMs: 20 }] },
    { at: 2, mode: 'fast', event: 'pre-commit', ok: true, durationMs: 5, checks: [{ id: 'p/a', status: 'cached', durationMs: 0, savedMs: 10 }, { id: 'p/b', status: 'fixed', durationMs: 40 }] },
    { at: 2, mode: 'fast', event: 'pre-commit', ok: true, durationMs: 5, checks: [{ id: 'p/a', status: 'cached', durationMs: 0, savedMs: 12, source: 'remote' }] },
    { at: 3, mode: 'fast', event: null, ok: true, durationMs: 1, checks: [{ id: 'p/a', status: 'skipped', durationMs: 0 }, { id: 'p/b', status: 'not-run', durationMs: 0 }] },
  ]);
  assert.is(s.runs, 4);
  assert.is(s.since, 1);
  assert.equal(s.checks.map((c) => c.id), ['p/b', 'p/a'], 'most time spent first');
  const base = { localHits: 0, remoteHits: 0, remoteSavedMs: 0, removed: false, flaky: false };
  assert.equal(s.checks[0], { ...base, id: 'p/b', runs: 2, hits: 0, hitRate: 0, failures: 1, fixes: 1, skips: 0, spentMs: 60, savedMs: 0, avgMs: 30, maxMs: 40 });
  assert.equal(s.checks[1], { ...base, id: 'p/a', runs: 1, hits: 2, localHits: 1, remoteHits: 1, hitRate: 2 / 3, failures: 0, fixes: 0, skips: 1, spentMs: 10, savedMs: 22, remoteSavedMs: 12, avgMs: 10, maxMs: 10 });
  assert.is(s.spentMs, 70);
  assert.is(s.savedMs, 22);
  assert.equal(s.local, { hits: 1, savedMs: 10 });
  assert.equal(s.remote, { hits: 1, savedMs: 12 });
});

test('heph stats reports each check from the recorded runs, as text, JSON and HTML', () => {
  const r = new Repo();
  try {
    r.config({ phases: [{ name: 'p', checks: [{ name: 'slow', shell: true, run: 'sleep 0.2' }, { name: 'quick', run: 'true' }] }] });
    r.write('x', '1').commitAll();
    let res = r.heph(['stats']);
    assert.is(res.code, 0);
    assert.match(res.stdout, /no runs recorded yet/);
    r.heph(['run']);
    r.heph(['run', '--fast']);
    r.heph(['run', '--fast']);
    const html = join(r.base, 'stats.html');
    res = r.heph(['stats', '--json', '--html', html]);
    assert.is(res.code, 0, res.stderr);
    const js = JSON.parse(res.stdout);
    assert.is(js.runs, 3);
    const slow = js.checks.find((c: any) => c.id === 'p/slow');
    assert.is(slow.runs, 1);
    assert.is(slow.hits, 2);
    assert.ok(slow.spentMs >= 150, 'the recorded duration of the sleep');
    assert.is(slow.savedMs, 2 * slow.spentMs, 'each reuse saves what the run cost');
    assert.is(js.checks[0].id, 'p/slow', 'slowest first');
    const page = readFileSync(html, 'utf8');
    assert.match(page, /data-stat="checks\|p\/slow\|runs" data-fmt="n">1</);
    assert.match(page, /data-stat="checks\|p\/slow\|hits" data-fmt="n">2</);
    assert.match(r.heph(['stats']).stdout, /3 runs since .*\n.*\np\/slow\s+1\s+2\s+0\s+67%/);
  } finally {
    r.cleanup();
  }
});

test.run();
