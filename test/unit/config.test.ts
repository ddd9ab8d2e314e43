import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, suggest } from '../../lib/config/validate.js';
import { resolveConfig } from '../../lib/config/resolve.js';
import { loadConfig, parseConfigText, syntaxErrorAt } from '../../lib/config/load.js';
import { jsonSchema, renderSchemaFile } from '../../lib/config/json-schema.js';
import { HephError } from '../../lib/errors.js';

const spec = () => JSON.parse(readFileSync('test/fixtures/spec-example.heph.json', 'utf8'));
const one = (checks: unknown[], extra: object = {}) => ({ phases: [{ name: 'p', checks }], ...extra });
const problems = (raw: unknown) => validateConfig(raw).map((p) => `${p.path}: expected ${p.expected}, found ${p.found}${p.hint ? ` (${p.hint})` : ''}`);

test('the SPEC example is valid', () => {
  assert.equal(validateConfig(spec()), []);
});

const bad: [string, unknown, string[]][] = [
  ['missing run', one([{ name: 'a' }]), ['phases[0].checks[0].run: expected a non-empty command, found nothing']],
  ['ttl as a number', one([{ name: 'a', run: 'x', ttl: 5 }]), ['phases[0].checks[0].ttl: expected a duration like "30s", "10m", "1h", "7d" or "forever", found 5']],
  ['ttl "soon"', one([{ name: 'a', run: 'x', ttl: 'soon' }]), ['phases[0].checks[0].ttl: expected a duration like "30s", "10m", "1h", "7d" or "forever", found "soon"']],
  ['timeout may not be forever', one([{ name: 'a', run: 'x', timeout: 'forever' }]), ['phases[0].checks[0].timeout: expected a non-zero duration like "30s", "10m", "1h", "7d", found "forever"']],
  [
    'unknown key with a suggestion',
    one([{ name: 'a', run: 'x', imputs: ['a'] }]),
    ['phases[0].checks[0].imputs: expected one of the keys name, description, enabled, run, shell, fix, files, symlinks, inputs, env, ttl, tags, platform, timeout, cwd, incremental, found an unknown key (did you mean "inputs"?)'],
  ],
  ['unknown key without a suggestion', { phases: [{ name: 'p', checks: [] }], zzzzzz: 1 }, ['zzzzzz: expected one of the keys $schema, extends, name, settings, phases, hooks, found an unknown key']],
  ['duplicate check name', one([{ name: 'a', run: 'x' }, { name: 'a', run: 'y' }]), ['phases[0].checks[1].name: expected a check name unique in its phase, found "a", also checks[0]']],
  ['duplicate phase name', { phases: [{ name: 'p', checks: [] }, { name: 'p', checks: [] }] }, ['phases[1].name: expected a phase name not used before, found "p", also phases[0]']],
  ['bad check name', one([{ name: 'Bad Name', run: 'x' }]), ['phases[0].checks[0].name: expected a name matching [a-z0-9][a-z0-9._-]*, found "Bad Name"']],
  ['cwd escaping the root', one([{ name: 'a', run: 'x', cwd: '../elsewhere' }]), ['phases[0].checks[0].cwd: expected a path inside the repository, found "../elsewhere"']],
  ['absolute cwd', one([{ name: 'a', run: 'x', cwd: '/etc' }]), ['phases[0].checks[0].cwd: expected a path relative to the repository root, found "/etc"']],
  ['unknown platform', one([{ name: 'a', run: 'x', platform: ['macos'] }]), [`phases[0].checks[0].platform[0]: expected one of "aix", "android", "cygwin", "darwin", "freebsd", "haiku", "linux", "netbsd", "openbsd", "sunos", "win32", found "macos"`]],
  ['env names', one([{ name: 'a', run: 'x', env: ['OK_1', 'not ok'] }]), ['phases[0].checks[0].env[1]: expected an environment variable name, found "not ok"']],
  ['files not an array', one([{ name: 'a', run: 'x', files: '*.py' }]), ['phases[0].checks[0].files: expected an array, found "*.py"']],
  ['shell not boolean', one([{ name: 'a', run: 'x', shell: 'yes' }]), ['phases[0].checks[0].shell: expected true or false, found "yes"']],
  ['no phases', {}, ['phases: expected a non-empty array, found nothing']],
  ['empty phases', { phases: [] }, ['phases: expected a non-empty array, found an empty array']],
  ['not an object', [], [': expected an object, found an array']],
  ['unknown hook event', one([], { hooks: { 'pre-comit': {} } }), [`hooks.pre-comit: expected one of the keys pre-commit, pre-push, post-checkout, post-merge, post-rewrite, commit-msg, found an unknown key (did you mean "pre-commit"?)`]],
  ['hook naming an unknown phase', one([], { hooks: { 'post-merge': { phases: ['deps'] } } }), ['hooks.post-merge.phases[0]: expected a phase of this file (p), found "deps"']],
  ['hook mode', one([], { hooks: { 'pre-push': { mode: 'quick' } } }), ['hooks.pre-push.mode: expected one of "fast", "full", found "quick"']],
  ['settings', { ...one([]), settings: { logs: { keep: 0 }, minFreeDiskMB: -1, lockTimeout: 30, store: 'redis' } }, [
    'settings.store: expected one of "sqlite", found "redis"',
    'settings.logs.keep: expected an integer >= 1, found 0',
    'settings.minFreeDiskMB: expected a number >= 0, found -1',
    'settings.lockTimeout: expected a duration like "30s", "10m", "1h", "7d", found 30',
  ]],
];

for (const [name, raw, want] of bad) test(`invalid: ${name}`, () => assert.equal(problems(raw), want));

test('several problems are reported together, in document order', () => {
  const raw = { phases: [{ name: 'p', checks: [{ name: 'a', ttl: 5 }, { name: 'a', run: 'x', comand: 'y' }] }] };
  const got = problems(raw);
  assert.is(got.length, 4);
  assert.match(got[0], /checks\[0\]\.run/);
  assert.match(got[1], /checks\[0\]\.ttl/);
  assert.match(got[2], /checks\[1\]\.comand.*unknown key/);
  assert.match(got[3], /checks\[1\]\.name.*unique/);
});

test('suggest finds close keys only', () => {
  assert.is(suggest('imputs', ['inputs', 'files']), 'inputs');
  assert.is(suggest('TTL', ['ttl']), 'ttl');
  assert.is(suggest('completely', ['inputs', 'files']), undefined);
});

const defaults: [string, unknown, (c: ReturnType<typeof resolveConfig>) => unknown, unknown][] = [
  ['inputs default to files', one([{ name: 'a', run: 'x', files: ['*.py'] }]), (c) => c.phases[0].checks[0].inputs, ['*.py']],
  ['inputs default to every tracked file', one([{ name: 'a', run: 'x' }]), (c) => c.phases[0].checks[0].inputs, null],
  ['ttl defaults to forever', one([{ name: 'a', run: 'x' }]), (c) => [c.phases[0].checks[0].ttl, c.phases[0].checks[0].ttlMs], ['forever', Infinity]],
  ['ttl 1h', one([{ name: 'a', run: 'x', ttl: '1h' }]), (c) => c.phases[0].checks[0].ttlMs, 3_600_000],
  ['timeout', one([{ name: 'a', run: 'x', timeout: '500ms' }]), (c) => c.phases[0].checks[0].timeoutMs, 500],
  ['cwd normalised', one([{ name: 'a', run: 'x', cwd: './sub/dir/' }]), (c) => c.phases[0].checks[0].cwd, 'sub/dir'],
  ['id', one([{ name: 'a', run: 'x' }]), (c) => c.phases[0].checks[0].id, 'p/a'],
  ['settings defaults', one([]), (c) => c.settings, { store: 'sqlite', logs: { keep: 20 }, minFreeDiskMB: 1024, lockTimeoutMs: 30_000, webhooks: [] }],
  ['webhook defaults: failures, from pre-push and heph run, signed, 4s', one([], { settings: { webhooks: [{ url: 'https://x.test/h', secretEnv: 'S' }] } }), (c) => c.settings.webhooks, [
    { url: 'https://x.test/h', events: ['failed'], hooks: ['pre-push', 'run'], format: 'standard', secretEnv: 'S', timeoutMs: 4000 },
  ]],
  ['hooks absent → four defaults', one([]), (c) => c.hooks, {
    'pre-commit': { mode: 'fast', phases: null, skipTags: [] },
    'pre-push': { mode: 'full', phases: null, skipTags: [] },
    'post-checkout': { mode: 'fast', phases: null, skipTags: [] },
    'post-merge': { mode: 'fast', phases: null, skipTags: [] },
  }],
  ['hooks present → exactly those', one([], { hooks: { 'commit-msg': {}, 'pre-push': { skipTags: ['slow'] } } }), (c) => c.hooks, {
    'pre-push': { mode: 'full', phases: null, skipTags: ['slow'] },
    'commit-msg': { mode: 'fast', phases: null, skipTags: [] },
  }],
];

for (const [name, raw, pick, want] of defaults) {
  test(`resolve: ${name}`, () => {
    assert.equal(validateConfig(raw), []);
    assert.equal(pick(resolveConfig(raw, '/r/.heph.json')), want);
  });
}

test('invalid JSON reports line and column', () => {
  const text = '{\n  "phases": [\n    { "name": "p", }\n  ]\n}\n';
  try {
    parseConfigText(text, '/r/.heph.json');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, HephError);
    assert.is((e as HephError).kind, 'config');
    assert.match((e as Error).message, /^\/r\/\.heph\.json:3:20: invalid JSON/);
  }
  assert.equal(syntaxErrorAt('{\n"a": }', 'Unexpected token } in JSON at position 7'), { line: 2, column: 6 });
  assert.equal(syntaxErrorAt('{"a":\n1', 'Unexpected end of JSON input'), { line: 2, column: 2 });
  assert.equal(syntaxErrorAt('x', "Expected ',' or '}' after property value in JSON at position 9 (line 2 column 3)"), { line: 2, column: 3 });
});

test('loadConfig: one message with every problem; a missing file hints at heph init', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-cfg-'));
  try {
    const file = join(dir, '.heph.json');
    writeFileSync(file, JSON.stringify(one([{ name: 'a', ttl: 'soon' }])));
    try {
      loadConfig(file);
      assert.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      assert.match(msg, `${file} is not valid (2 problems):`);
      assert.match(msg, 'phases[0].checks[0].run: expected a non-empty command, found nothing');
      assert.match(msg, 'phases[0].checks[0].ttl: expected a duration');
    }
    try {
      loadConfig(join(dir, 'nope.json'));
      assert.unreachable();
    } catch (e) {
      assert.match((e as HephError).hint!, /heph init/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped schema.json is generated from the same description', () => {
  assert.is(readFileSync('schema.json', 'utf8'), renderSchemaFile());
});

test('the JSON Schema agrees with the validator on keys, enums and required fields', () => {
  const s = jsonSchema() as any;
  const check = s.properties.phases.items.properties.checks.items;
  assert.equal(check.required, ['name'], 'run is required unless the file extends others:');
  assert.equal(s.then.properties.phases.items.properties.checks.items.required, ['run']);
  assert.equal(s.if, { not: { required: ['extends'] } });
  assert.equal(s.anyOf, [{ required: ['phases'] }, { required: ['extends'] }]);
  assert.equal(Object.keys(check.properties), ['name', 'description', 'enabled', 'run', 'shell', 'fix', 'files', 'symlinks', 'inputs', 'env', 'ttl', 'tags', 'platform', 'timeout', 'cwd', 'incremental']);
  assert.is(check.additionalProperties, false);
  assert.equal(s.properties.hooks.properties['pre-push'].properties.mode.enum, ['fast', 'full']);
  const ttl = new RegExp(check.properties.ttl.pattern);
  for (const ok of ['30s', '10m', '1h', '7d', 'forever', '500ms']) assert.ok(ttl.test(ok), ok);
  for (const no of ['soon', '5', '1 h']) assert.not.ok(ttl.test(no), no);
  assert.not.ok(new RegExp(check.properties.timeout.pattern).test('forever'));
  // Every key of the SPEC example is known to the schema.
  for (const c of spec().phases.flatMap((p: any) => p.checks)) for (const k of Object.keys(c)) assert.ok(k in check.properties, k);
});

test.run();
