import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeLayers, sourceOf } from '../../lib/config/merge.js';

const phase = (name: string, ...checks: object[]) => ({ name, checks });
const ids = (raw: any) => raw.phases.map((p: any) => `${p.name}: ${p.checks.map((c: any) => c.name).join(' ')}`);

test('checks merge by phase/name: later layers replace the keys they set, arrays are replaced, first appearance keeps the position', () => {
  const m = mergeLayers([
    { label: 'base', raw: { phases: [phase('quality', { name: 'lint', run: 'lint', files: ['*.py'], tags: ['a'] }, { name: 'types', run: 'tsc' })] } },
    { label: 'team', raw: { phases: [phase('quality', { name: 'types', ttl: '1h' }, { name: 'new', run: 'x' })] } },
    { label: '.heph.json', raw: { phases: [phase('quality', { name: 'lint', tags: ['b'] })] } },
  ]);
  assert.equal(m.raw.phases[0].checks, [
    { name: 'lint', run: 'lint', files: ['*.py'], tags: ['b'] },
    { name: 'types', run: 'tsc', ttl: '1h' },
    { name: 'new', run: 'x' },
  ]);
  assert.equal(m.origins.get('quality/lint'), { definedBy: 'base', keys: { name: '.heph.json', run: 'base', files: 'base', tags: '.heph.json' } });
  assert.is(sourceOf(m.origins.get('quality/lint')!, '.heph.json'), 'base');
  assert.is(sourceOf(m.origins.get('quality/types')!, '.heph.json'), 'base + team');
  assert.is(sourceOf({ definedBy: '.heph.json', keys: { name: '.heph.json', run: '.heph.json' } }, '.heph.json'), null);
});

test('"enabled": false removes a check; a later "enabled": true brings it back', () => {
  let m = mergeLayers([
    { label: 'base', raw: { phases: [phase('q', { name: 'a', run: 'a' }, { name: 'b', run: 'b' })] } },
    { label: 'own', raw: { phases: [phase('q', { name: 'a', enabled: false })] } },
  ]);
  assert.equal(ids(m.raw), ['q: b']);
  assert.equal(m.removed, [{ id: 'q/a', by: 'own' }]);
  m = mergeLayers([
    { label: 'base', raw: { phases: [phase('q', { name: 'a', run: 'a', enabled: false })] } },
    { label: 'own', raw: { phases: [phase('q', { name: 'a', enabled: true })] } },
  ]);
  assert.equal(m.raw.phases[0].checks, [{ name: 'a', run: 'a' }], 'the enabled key itself is not kept');
});

test('phase order: a new phase follows the one before it in its file, else precedes the one after it, else the usual order, else last', () => {
  const base = { label: 'base', raw: { phases: [phase('environment'), phase('platform')] } };
  const order = (...layers: object[][]) => mergeLayers([base, ...layers.map((phases, i) => ({ label: `l${i}`, raw: { phases } }))]).raw.phases.map((p: any) => p.name);
  assert.equal(order([phase('quality')]), ['environment', 'quality', 'platform'], 'usual order');
  assert.equal(order([phase('lint')]), ['environment', 'platform', 'lint'], 'unknown name: last');
  assert.equal(order([phase('environment'), phase('lint')]), ['environment', 'lint', 'platform'], 'after the phase before it in its file');
  assert.equal(order([phase('lint'), phase('platform')]), ['environment', 'lint', 'platform'], 'before the phase after it');
  assert.equal(order([phase('lint'), phase('docs')]), ['environment', 'platform', 'lint', 'docs'], 'a file\'s new phases keep their order');
});

test('settings merge key by key, nested objects too; hooks by event then key', () => {
  const m = mergeLayers([
    { label: 'a', raw: { settings: { logs: { keep: 5 }, lockTimeout: '1m' }, hooks: { 'pre-commit': { mode: 'fast', skipTags: ['test'] }, 'pre-push': { mode: 'full' } }, phases: [] } },
    { label: 'b', raw: { settings: { minFreeDiskMB: 10 }, hooks: { 'pre-commit': { skipTags: [] } } } },
  ]);
  assert.equal(m.raw.settings, { logs: { keep: 5 }, lockTimeout: '1m', minFreeDiskMB: 10 });
  assert.equal(m.raw.hooks, { 'pre-commit': { mode: 'fast', skipTags: [] }, 'pre-push': { mode: 'full' } });
});

test.run();
