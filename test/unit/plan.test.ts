import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selectChecks } from '../../lib/plan/select.js';
import { decide, type FingerprintInfo } from '../../lib/plan/decide.js';
import type { ResolvedCheck, ResolvedConfig } from '../../lib/config/types.js';
import type { Components, StoredResult } from '../../lib/state/types.js';
import { HephError } from '../../lib/errors.js';

function check(phase: string, name: string, extra: Partial<ResolvedCheck> = {}): ResolvedCheck {
  return {
    id: `${phase}/${name}`, phase, name, run: name, shell: false, fix: null, files: null, symlinks: false, inputs: null, env: [],
    ttlMs: Infinity, ttl: 'forever', tags: [], platform: null, timeoutMs: null, cwd: '', incremental: true, ...extra,
  };
}

const config = (...phases: [string, ResolvedCheck[]][]): ResolvedConfig => ({
  file: '/r/.heph.json',
  settings: { store: 'sqlite', logs: { keep: 20 }, minFreeDiskMB: 1024, lockTimeoutMs: 30_000 },
  phases: phases.map(([name, checks]) => ({ name, checks })),
  hooks: {},
});

const cfg = config(
  ['env', [check('env', 'python', { ttlMs: 3_600_000, ttl: '1h' })]],
  ['quality', [
    check('quality', 'ruff', { files: ['*.py'], inputs: ['*.py'] }),
    check('quality', 'pytest', { tags: ['test'] }),
    check('quality', 'mac', { platform: ['darwin'] }),
  ]],
);

const sel = (o: Partial<Parameters<typeof selectChecks>[1]> = {}) =>
  selectChecks(cfg, { platform: 'linux', candidates: ['a.py', 'src/b.py', 'README.md'], ...o });

const skipOf = (s: ReturnType<typeof selectChecks>) =>
  Object.fromEntries(s.phases.flatMap((p) => p.checks.map((c) => [c.check.id, c.skip ?? (c.files ? c.files.join(',') : 'run')])));

const selectionCases: [string, Partial<Parameters<typeof selectChecks>[1]>, Record<string, string>][] = [
  ['everything', {}, { 'env/python': 'run', 'quality/ruff': 'a.py,src/b.py', 'quality/pytest': 'run', 'quality/mac': 'platform darwin only' }],
  ['skip tests', { skipTags: ['test'] }, { 'env/python': 'run', 'quality/ruff': 'a.py,src/b.py', 'quality/pytest': 'tag test skipped', 'quality/mac': 'platform darwin only' }],
  ['on darwin', { platform: 'darwin' }, { 'env/python': 'run', 'quality/ruff': 'a.py,src/b.py', 'quality/pytest': 'run', 'quality/mac': 'run' }],
  ['no python files', { candidates: ['README.md'] }, { 'env/python': 'run', 'quality/ruff': 'no matching files', 'quality/pytest': 'run', 'quality/mac': 'platform darwin only' }],
  ['HEPH_SKIP by name and id', { skip: ['python', 'quality/pytest'] }, { 'env/python': 'skipped by HEPH_SKIP', 'quality/ruff': 'a.py,src/b.py', 'quality/pytest': 'skipped by HEPH_SKIP', 'quality/mac': 'platform darwin only' }],
  ['--phase', { phases: ['env'] }, { 'env/python': 'run' }],
  ['--only by name', { only: ['ruff'] }, { 'quality/ruff': 'a.py,src/b.py' }],
  ['--only by id', { only: ['env/python', 'quality/mac'] }, { 'env/python': 'run', 'quality/mac': 'platform darwin only' }],
];

for (const [name, opts, want] of selectionCases) {
  test(`select: ${name}`, () => assert.equal(skipOf(sel(opts)), want));
}

test('select: unknown --only and --phase names are usage errors listing the known names', () => {
  try {
    sel({ only: ['nope'], phases: ['nah'] });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HephError);
    assert.is((e as HephError).kind, 'usage');
    assert.match((e as Error).message, /unknown phase "nah"/);
    assert.match((e as Error).message, /unknown check "nope" \(checks: env\/python, quality\/ruff/);
  }
});

const comps = (o: Partial<Components> = {}): Components => ({ command: 'c', inputs: 'i', inputCount: 1, scope: 'all', env: {}, platform: 'linux/x64', version: 1, ...o });
const fp = (o: Partial<Components> = {}, cacheable = true): FingerprintInfo => {
  const components = comps(o);
  return { digest: JSON.stringify(components), components, cacheable };
};
const stored = (o: Partial<Components> = {}, extra: Partial<StoredResult> = {}): StoredResult => {
  const components = comps(o);
  return { fingerprint: JSON.stringify(components), components, status: 'passed', exitCode: 0, durationMs: 5, at: 1_000_000, ...extra };
};

const NOW = 1_000_000 + 3 * 60_000;
const onlyPython = selectChecks(cfg, { platform: 'linux', candidates: [], only: ['env/python'] });

const decideCases: [string, { mode?: 'fast' | 'full'; now: FingerprintInfo; prev?: StoredResult; changed?: string[]; at?: number }, string, string][] = [
  ['no previous result', { now: fp() }, 'run', 'no previous result'],
  ['unchanged, within ttl', { now: fp(), prev: stored() }, 'cached', 'cached 3m ago (ttl 1h)'],
  ['full mode always runs', { mode: 'full', now: fp(), prev: stored() }, 'run', 'full mode'],
  ['ttl expired', { now: fp(), prev: stored({}, { at: NOW - 2 * 3_600_000 }) }, 'run', 'expired: ran 2h ago (ttl 1h)'],
  ['failed last time', { now: fp(), prev: stored({}, { status: 'failed' }) }, 'run', 'failed last time'],
  ['fixed last time is not reused', { now: fp(), prev: stored({}, { status: 'fixed' }) }, 'run', 'fixed last time'],
  ['inputs changed with names', { now: fp({ inputs: 'j' }), prev: stored(), changed: ['a.py', 'b.py', 'c.py', 'd.py'] }, 'run', 'inputs changed: a.py, b.py, c.py (+1 more)'],
  ['inputs changed without names', { now: fp({ inputs: 'j' }), prev: stored() }, 'run', 'inputs changed'],
  ['command changed', { now: fp({ command: 'd' }), prev: stored() }, 'run', 'command changed'],
  ['env changed', { now: fp({ env: { A: '1', B: '2' } }), prev: stored({ env: { A: '1', B: '3' } }) }, 'run', 'env changed: B'],
  ['platform changed', { now: fp({ platform: 'darwin/arm64' }), prev: stored() }, 'run', 'platform changed (linux/x64 → darwin/arm64)'],
  ['format version changed', { now: fp({ version: 2 }), prev: stored() }, 'run', 'cache format changed'],
  ['different files', { now: fp({ scope: 'x' }), prev: stored() }, 'run', 'different files selected'],
  ['unmerged inputs are never reused', { now: fp({}, false), prev: stored() }, 'run', 'unmerged inputs; results are not reused'],
];

for (const [name, c, action, reason] of decideCases) {
  test(`decide: ${name}`, () => {
    const plan = decide({
      selection: onlyPython,
      mode: c.mode ?? 'fast',
      event: null,
      fingerprints: new Map([['env/python', c.now]]),
      stored: new Map(c.prev ? [['env/python', c.prev]] : []),
      changedInputs: new Map(c.changed ? [['env/python', c.changed]] : []),
      now: NOW,
    });
    const item = plan.phases[0].items[0];
    assert.is(item.action, action);
    assert.is(item.reason, reason);
  });
}

test('decide: skipped checks carry their reason and no fingerprint', () => {
  const s = selectChecks(cfg, { platform: 'linux', candidates: [], only: ['mac'] });
  const plan = decide({ selection: s, mode: 'fast', event: 'pre-commit', fingerprints: new Map(), stored: new Map(), now: NOW });
  assert.equal(plan.phases[0].items.map((i) => [i.action, i.reason, i.fingerprint]), [['skipped', 'platform darwin only', null]]);
  assert.is(plan.event, 'pre-commit');
});

test.run();
