import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Repo, statuses, repoPool } from '../helpers/repo.js';

const repo = repoPool(test);

/** A repo with a shared set installed as a package in node_modules (not committed). */
function withPackage(version = '1.0.0') {
  const r = repo();
  const lint = r.counter('lint');
  const fmt = r.counter('fmt');
  const types = r.counter('types');
  r.write('.gitignore', 'node_modules/\n');
  r.write('a.py', 'x = 1\n');
  writePackage(r, version, { lint, fmt, types });
  return { r, lint, fmt, types };
}

function writePackage(r: Repo, version: string, bins: Record<string, string>) {
  r.write('node_modules/@acme/heph-checks/package.json', JSON.stringify({ name: '@acme/heph-checks', version, main: 'heph.json' }));
  r.write(
    'node_modules/@acme/heph-checks/heph.json',
    JSON.stringify({
      extends: ['./base.json'],
      phases: [{ name: 'quality', checks: [
        { name: 'lint', run: `${bins.lint} {files}`, files: ['*.py'] },
        { name: 'types', run: bins.types, ttl: '1h' },
      ] }],
      hooks: { 'pre-commit': { mode: 'fast' } },
    }),
  );
  r.write('node_modules/@acme/heph-checks/base.json', JSON.stringify({ phases: [{ name: 'environment', checks: [{ name: 'fmt', run: bins.fmt }] }], settings: { logs: { keep: 5 } } }));
}

test('extends: a package (with its own extends) and a local file merge by phase and check; the repository wins', () => {
  const { r, types } = withPackage();
  r.write('ci/local.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'types', ttl: '5m', tags: ['slow'] }] }] }));
  r.config({ extends: ['@acme/heph-checks', './ci/local.json'], phases: [{ name: 'quality', checks: [{ name: 'types', tags: ['mine'] }, { name: 'fmt-extra', run: types }] }] });
  r.commitAll();
  const res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(Object.keys(statuses(res.report)), ['environment/fmt', 'quality/lint', 'quality/types', 'quality/fmt-extra'], 'phases in order of first appearance, base first');
  const c = r.hephJson(['config', '--resolved']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(c.report.layers, ['@acme/heph-checks@1.0.0/base.json', '@acme/heph-checks@1.0.0', 'ci/local.json', '.heph.json']);
  const typesCheck = c.report.config.phases[1].checks[1];
  assert.equal(typesCheck, { name: 'types', run: types, ttl: '5m', tags: ['mine'] }, 'later layers replace the keys they set; arrays are replaced, not joined');
  assert.equal(c.report.origins['quality/types'].keys, { name: '.heph.json', run: '@acme/heph-checks@1.0.0', ttl: 'ci/local.json', tags: '.heph.json' });
  assert.equal(c.report.config.settings, { logs: { keep: 5 } });
  assert.equal(c.report.config.hooks, { 'pre-commit': { mode: 'fast' } });
  const human = r.heph(['config', '--resolved']);
  assert.is(human.code, 0);
  assert.match(human.stdout, '// quality/types: from @acme/heph-checks@1.0.0; ttl from ci/local.json; tags from .heph.json');
  assert.match(human.stdout, '// quality/fmt-extra: from .heph.json');
});

test('extends: "enabled": false removes an inherited check; heph config --resolved says who removed it', () => {
  const { r } = withPackage();
  r.config({ extends: ['@acme/heph-checks'], phases: [{ name: 'quality', checks: [{ name: 'types', enabled: false }] }] });
  r.commitAll();
  const res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(Object.keys(statuses(res.report)), ['environment/fmt', 'quality/lint']);
  assert.is(r.calls('types'), 0);
  const human = r.heph(['config', '--resolved']);
  assert.match(human.stdout, '// quality/types removed by .heph.json ("enabled": false)');
});

test('extends: upgrading the shared package re-runs its checks in fast mode; checks of the repository alone stay cached', () => {
  const { r, lint, fmt, types } = withPackage('1.0.0');
  r.config({ extends: ['@acme/heph-checks'], phases: [{ name: 'quality', checks: [{ name: 'own', run: types }] }] });
  r.commitAll();
  assert.is(r.hephJson(['run']).code, 0);
  let res = r.hephJson(['run', '--fast']);
  assert.equal(new Set(Object.values(statuses(res.report))), new Set(['cached']));
  writePackage(r, '1.1.0', { lint, fmt, types });
  res = r.hephJson(['run', '--fast']);
  assert.equal(statuses(res.report), { 'environment/fmt': 'passed', 'quality/lint': 'passed', 'quality/types': 'passed', 'quality/own': 'cached' });
  assert.match(res.report.checks[0].reason, /command|settings|source/i);
});

test('extends errors exit 2 with the chain of files: missing package, cycle, invalid extended file, bad JSON', () => {
  const { r } = withPackage();
  r.config({ extends: ['@acme/missing'] });
  let res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'cannot find the package "@acme/missing" from . (install it: npm install --save-dev @acme/missing)');
  assert.match(res.stderr, 'extends chain: .heph.json → @acme/missing');
  assert.not.match(res.stderr, /\n\s+at /, 'no stack trace');

  r.write('ci/a.json', JSON.stringify({ extends: ['./b.json'] }));
  r.write('ci/b.json', JSON.stringify({ extends: ['./a.json'] }));
  r.config({ extends: ['./ci/a.json'] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'extends cycle');
  assert.match(res.stderr, 'extends chain: .heph.json → ci/a.json → ci/b.json → ci/a.json');

  // A cycle back to the repository's own file.
  r.write('ci/c.json', JSON.stringify({ extends: ['../.heph.json'] }));
  r.config({ extends: ['./ci/c.json'] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'extends chain: .heph.json → ci/c.json → .heph.json');

  r.write('ci/bad.json', JSON.stringify({ phases: [{ name: 'q', checks: [{ name: 'x', run: 'y', ttl: 'soon' }] }] }));
  r.write('ci/mid.json', JSON.stringify({ extends: ['./bad.json'] }));
  r.config({ extends: ['./ci/mid.json'] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'ci/bad.json is not valid');
  assert.match(res.stderr, 'phases[0].checks[0].ttl');
  assert.match(res.stderr, 'extends chain: .heph.json → ci/mid.json → ci/bad.json');

  r.write('ci/broken.json', '{ "phases": [ }');
  r.config({ extends: ['./ci/broken.json'] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /ci\/broken\.json:1:\d+: invalid JSON/);

  r.config({ extends: ['./ci/none.json'] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'ci/none.json: no such file');

  // An override of a check no layer defines has no command: named by its id.
  r.config({ extends: ['@acme/heph-checks'], phases: [{ name: 'quality', checks: [{ name: 'typo', ttl: '1h' }] }] });
  res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'quality/typo.run: expected a non-empty command, found nothing');
});

test('extends: a package exporting a module (CommonJS or ES) and heph:<set> built-in sets', () => {
  const r = repo();
  const t = r.counter('t');
  r.write('.gitignore', 'node_modules/\n');
  r.write('node_modules/cjs-set/package.json', JSON.stringify({ name: 'cjs-set', version: '2.0.0' }));
  r.write('node_modules/cjs-set/index.js', `module.exports = { phases: [{ name: 'a', checks: [{ name: 'c', run: ${JSON.stringify(t)} }] }] };`);
  r.write('node_modules/esm-set/package.json', JSON.stringify({ name: 'esm-set', version: '3.0.0', type: 'module', exports: './set.js' }));
  r.write('node_modules/esm-set/set.js', `export default { phases: [{ name: 'b', checks: [{ name: 'e', run: ${JSON.stringify(t)} }] }] };`);
  r.write('pyproject.toml', '[project]\nname = "x"\nrequires-python = ">=3.8"\n');
  r.config({ extends: ['heph:python', 'cjs-set', 'esm-set'] });
  r.commitAll();
  const c = r.hephJson(['config', '--resolved']);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.report.layers[0], /^heph:python@\d/);
  assert.equal(c.report.layers.slice(1), ['cjs-set@2.0.0', 'esm-set@3.0.0', '.heph.json']);
  const ids = c.report.config.phases.flatMap((p: any) => p.checks.map((k: any) => `${p.name}/${k.name}`));
  assert.ok(ids.includes('environment/python'), ids.join(' '));
  assert.ok(ids.includes('a/c') && ids.includes('b/e'), ids.join(' '));
  const bad = r.heph(['run'], { env: {} });
  assert.ok(bad.code === 0 || bad.code === 1, bad.stderr);
  r.config({ extends: ['heph:rust'] });
  const res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'heph has no built-in set "rust" (sets: heph:python, heph:node)');
});

test('heph init --extends writes a file that only extends the built-in set, and resolves to the checks the full file has', () => {
  const r = repo();
  r.write('pyproject.toml', '[project]\nname = "x"\nrequires-python = ">=3.8"\n').write('tests/test_a.py', 'def test(): pass\n').commitAll();
  assert.is(r.heph(['init', '--preset', 'python']).code, 0);
  const full = JSON.parse(r.read('.heph.json'));
  const res = r.heph(['init', '--preset', 'python', '--extends', '--force']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, '"extends": ["heph:python"]');
  assert.equal(JSON.parse(r.read('.heph.json')), { extends: ['heph:python'] });
  const c = r.hephJson(['config', '--resolved']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(c.report.config.phases, full.phases);
  assert.equal(c.report.config.hooks, full.hooks);
});

test.run();
