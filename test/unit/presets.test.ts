import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minimumVersion } from '../../lib/config/presets/common.js';
import { detectPresets, renderConfig, starterConfig, type PresetName } from '../../lib/config/presets/index.js';
import type { Probe } from '../../lib/config/presets/types.js';
import { validateConfig } from '../../lib/config/validate.js';

/** A repository described by its files (path → text) and the tools on PATH. */
function probe(files: Record<string, string>, path: string[] = []): Probe {
  return {
    has: (rel) => rel in files || Object.keys(files).some((f) => f.startsWith(rel + '/')),
    read: (rel) => files[rel] ?? null,
    rootNames: () => [...new Set(Object.keys(files).map((f) => f.split('/')[0]))],
    onPath: (cmd) => path.includes(cmd),
  };
}

type Check = { name: string; run: string; fix?: string; files?: string[]; inputs?: string[]; tags?: string[]; platform?: string[] };
function checks(p: Probe, presets: PresetName[]): Record<string, Check> {
  const { config } = starterConfig(p, presets);
  assert.equal(validateConfig(JSON.parse(renderConfig(config))), [], 'the starter config is valid');
  const phases = config.phases as { name: string; checks: Check[] }[];
  return Object.fromEntries(phases.flatMap((ph) => ph.checks.map((c) => [`${ph.name}/${c.name}`, c])));
}

const versions: [string | null, number[] | null][] = [
  ['>=3.11', [3, 11, 0]],
  ['~=3.12', [3, 12, 0]],
  ['>=3.9,<4', [3, 9, 0]],
  ['<4,>=3.10', [3, 10, 0]],
  ['^20.19.0 || >=22', [20, 19, 0]],
  ['>=22 || ^20.19.0', [20, 19, 0]],
  ['20', [20, 0, 0]],
  ['v20.19.1', [20, 19, 1]],
  ['3.12.4\n', [3, 12, 4]],
  ['lts/*', null],
  ['', null],
  [null, null],
];
for (const [spec, want] of versions) {
  test(`minimumVersion(${JSON.stringify(spec)}) = ${JSON.stringify(want)}`, () => assert.equal(minimumVersion(spec), want));
}

const uvProject = {
  'pyproject.toml': '[project]\nname = "app"\nrequires-python = ">=3.11"\n\n[dependency-groups]\ndev = ["ruff>=0.6", "pytest>=8"]\n\n[tool.mypy]\nstrict = true\n',
  'uv.lock': '',
  'src/app/__init__.py': '',
  'tests/test_app.py': '',
};

test('detection: pyproject/uv.lock/requirements → python; package.json → node; both', () => {
  assert.equal(detectPresets(probe({ 'pyproject.toml': '' })), ['python']);
  assert.equal(detectPresets(probe({ 'uv.lock': '' })), ['python']);
  assert.equal(detectPresets(probe({ 'requirements-dev.txt': '' })), ['python']);
  assert.equal(detectPresets(probe({ 'package.json': '{}', 'pnpm-lock.yaml': '' })), ['node']);
  assert.equal(detectPresets(probe({ 'package.json': '{}' })), ['node'], 'a library without a committed lockfile is still a Node project');
  assert.equal(detectPresets(probe({ 'package.json': '{}', 'yarn.lock': '', 'pyproject.toml': '' })), ['python', 'node']);
  assert.equal(detectPresets(probe({ 'README.md': '' })), []);
});

test('python preset on a uv project: the four phases, tools through uv, mypy when configured', () => {
  const c = checks(probe(uvProject, ['uv']), ['python']);
  assert.equal(Object.keys(c), [
    'environment/python', 'environment/uv',
    'dependencies/uv-lock', 'dependencies/uv-sync', 'dependencies/venv',
    'quality/ruff', 'quality/ruff-format', 'quality/mypy', 'quality/pytest',
    'platform/macos-cruft',
  ]);
  assert.match(c['environment/python'].run, /sys\.version_info >= \(3, 11\)/);
  assert.is(c['dependencies/uv-lock'].run, 'uv lock --check');
  assert.is(c['dependencies/uv-lock'].fix, 'uv lock');
  assert.equal(c['dependencies/uv-lock'].inputs, ['pyproject.toml', 'uv.lock']);
  assert.is(c['dependencies/uv-sync'].run, 'uv sync --locked');
  assert.equal(c['dependencies/uv-sync'].inputs, ['uv.lock']);
  assert.is(c['quality/ruff'].run, 'uv run --frozen ruff check --force-exclude {files}');
  assert.is(c['quality/ruff'].fix, 'uv run --frozen ruff check --fix --force-exclude {files}');
  assert.is(c['quality/ruff-format'].fix, 'uv run --frozen ruff format --force-exclude {files}');
  assert.is(c['quality/mypy'].run, 'mypy src', 'configured, not declared: from PATH, on src/');
  assert.equal(c['quality/pytest'].tags, ['test']);
  assert.equal(c['platform/macos-cruft'].platform, ['darwin']);
  const noUv = checks(probe(uvProject, ['ruff']), ['python']);
  assert.is(noUv['quality/ruff'].run, 'ruff check --force-exclude {files}', 'uv is not here: the tool runs by name');
  assert.ok(noUv['dependencies/uv-lock'], 'the lock checks stay: the repository uses uv');
});

test('python preset without uv: no lock checks; tools only when declared, configured or on PATH', () => {
  const bare = checks(probe({ 'requirements.txt': 'requests\n' }), ['python']);
  assert.equal(Object.keys(bare), ['platform/macos-cruft'], 'nothing declared, nothing on PATH');
  const withPath = checks(probe({ 'requirements.txt': 'requests\n', '.python-version': '3.12\n' }, ['ruff', 'pytest']), ['python']);
  assert.equal(Object.keys(withPath), ['environment/python', 'quality/ruff', 'quality/ruff-format', 'platform/macos-cruft'], 'pytest on PATH alone is not a test suite');
  assert.is(withPath['quality/ruff'].run, 'ruff check --force-exclude {files}');
  assert.match(withPath['environment/python'].run, /\(3, 12\)/);
});

test('node preset with npm: engines, lockfile check with an install fix, eslint, prettier, tsc, npm test', () => {
  const pkg = { engines: { node: '>=20.19' }, scripts: { test: 'uvu' }, devDependencies: { eslint: '9', prettier: '3', typescript: '5' } };
  const c = checks(probe({ 'package.json': JSON.stringify(pkg), 'package-lock.json': '{}', 'tsconfig.json': '{}' }), ['node']);
  assert.equal(Object.keys(c), ['environment/node', 'dependencies/npm-lock', 'dependencies/npm-install', 'quality/eslint', 'quality/prettier', 'quality/tsc', 'quality/test', 'platform/macos-cruft']);
  assert.match(c['environment/node'].run, /w=\[20,19,0\]/);
  assert.is(c['dependencies/npm-lock'].run, 'npm ci --dry-run --ignore-scripts --no-audit --no-fund');
  assert.is(c['dependencies/npm-lock'].fix, 'npm install --no-audit --no-fund');
  assert.equal(c['dependencies/npm-install'].tags, ['install']);
  assert.is(c['dependencies/npm-install'].run, 'npm ci --no-audit --no-fund', 'a frozen install: never edits the lockfile');
  assert.is(c['dependencies/npm-install'].fix, undefined);
  assert.is(c['quality/eslint'].run, 'node_modules/.bin/eslint --cache --cache-location "$(git rev-parse --git-path heph/cache/eslintcache)" {files}');
  assert.is(c['quality/prettier'].fix, 'node_modules/.bin/prettier --write --ignore-unknown --cache --cache-location "$(git rev-parse --git-path heph/cache/prettiercache)" {files}');
  assert.is(c['quality/tsc'].run, 'node_modules/.bin/tsc --noEmit --incremental --tsBuildInfoFile "$(git rev-parse --git-path heph/cache/tsconfig.tsbuildinfo)" -p tsconfig.json');
  assert.equal(c['quality/tsc'].tags, ['slow']);
  const scoped = checks(probe({ 'package.json': JSON.stringify({ ...pkg, scripts: { lint: 'eslint --max-warnings 0 src/ ./bin.js && tsc', format: 'prettier --write .' } }), 'package-lock.json': '{}' }), ['node']);
  assert.equal(scoped['quality/eslint'].files, ['src/**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}', 'bin.js'], 'the lint script\'s paths');
  assert.equal(scoped['quality/prettier'].files, ['*'], 'prettier . is the whole repository');
  const typed = checks(probe({ 'package.json': JSON.stringify(pkg), 'package-lock.json': '{}', 'eslint.config.js': 'export default [...tseslint.configs.recommendedTypeChecked]' }), ['node']);
  assert.equal(typed['quality/eslint'].tags, ['slow'], 'type-aware eslint waits for the push');
  assert.is(typed['quality/eslint'].run, 'node_modules/.bin/eslint {files}', "no eslint cache: it keys results by the file's own content");
  assert.is(c['quality/test'].run, 'npm test');
  const hooks = starterConfig(probe({ 'package.json': JSON.stringify(pkg), 'package-lock.json': '{}', 'tsconfig.json': '{}' }), ['node']).config.hooks;
  assert.equal(hooks, {
    'pre-commit': { mode: 'fast', skipTags: ['test', 'slow', 'install'] },
    'pre-push': { mode: 'full', skipTags: ['install'] },
    'post-checkout': { phases: ['dependencies'] },
    'post-merge': { phases: ['dependencies'] },
  });
});

test('node preset: the package manager decides the commands; npm\'s placeholder test script is no test', () => {
  const none = { 'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) };
  const pnpm = checks(probe({ ...none, 'pnpm-lock.yaml': '', '.nvmrc': 'v22.1.0\n' }), ['node']);
  assert.equal(Object.keys(pnpm), ['environment/node', 'dependencies/pnpm-lock', 'dependencies/pnpm-install', 'platform/macos-cruft']);
  assert.is(pnpm['dependencies/pnpm-lock'].run, 'pnpm install --frozen-lockfile --lockfile-only --ignore-scripts');
  const berry = checks(probe({ ...none, 'yarn.lock': '', '.yarnrc.yml': '', '.prettierrc': '{}' }), ['node']);
  assert.is(berry['dependencies/yarn-lock'].run, 'yarn install --immutable --mode=update-lockfile');
  assert.is(berry['quality/prettier'].run, 'yarn run prettier --check --ignore-unknown --cache --cache-location "$(git rev-parse --git-path heph/cache/prettiercache)" {files}');
  const classic = checks(probe({ ...none, 'yarn.lock': '' }), ['node']);
  assert.equal(Object.keys(classic), ['dependencies/yarn-lock', 'platform/macos-cruft'], 'yarn 1 checks and installs in one');
});

test('python preset on black and flake8 (declared, no ruff): they are the linter and formatter', () => {
  const c = checks(probe({ 'requirements.txt': 'black==26.5.1\nflake8==7.3.0\n', '.flake8': '[flake8]\n' }), ['python']);
  assert.equal(Object.keys(c), ['quality/flake8', 'quality/black', 'platform/macos-cruft']);
  assert.is(c['quality/flake8'].run, 'flake8 {files}');
  assert.is(c['quality/black'].fix, 'black --quiet {files}');
});

test('both presets: one config, each phase holding both, the shared platform check once', () => {
  const c = checks(probe({ ...uvProject, 'package.json': '{"engines":{"node":">=20"}}', 'package-lock.json': '{}' }), ['python', 'node']);
  assert.ok(c['environment/python'] && c['environment/node'] && c['dependencies/uv-lock'] && c['dependencies/npm-lock']);
  assert.is(Object.keys(c).filter((k) => k.endsWith('macos-cruft')).length, 1);
});

test.run();
