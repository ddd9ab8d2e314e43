/**
 * `heph init` on a machine without the tools a repository uses: it names each
 * missing tool and what it did (keep, skip, an installed alternative), asks on
 * a terminal, names other hook managers, and writes `$schema`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Repo, repoPool, sh } from '../helpers/repo.js';
import { onlyOnPath } from '../helpers/standins.js';

const track = repoPool(test);

const barePath = (r: Repo, tools: Parameters<typeof onlyOnPath>[1]) => onlyOnPath(r, tools);

const uvProject = (r: Repo) =>
  r.write('pyproject.toml', '[project]\nname = "app"\nrequires-python = ">=3.8"\n\n[dependency-groups]\ndev = ["ruff>=0.6", "mypy>=1"]\n\n[tool.ruff]\nline-length = 100\n\n[tool.mypy]\nstrict = true\n').write('uv.lock', '').write('src/app/__init__.py', '');

const ids = (r: Repo): string[] => JSON.parse(r.read('.heph.json')).phases.flatMap((p: { name: string; checks: { name: string }[] }) => p.checks.map((c) => `${p.name}/${c.name}`));

test('without a terminal, checks whose tool is missing are left out (the default), each named with what to do', () => {
  const r = uvProject(barePath(track(new Repo()), ['mypy', 'black', 'flake8']));
  const res = r.heph(['init']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(ids(r), ['quality/mypy', 'platform/macos-cruft'], 'python3, uv and ruff are not installed; mypy is, from PATH');
  assert.match(res.stdout, /environment\/python: python3 is not installed \(not on PATH\): left out/);
  for (const id of ['environment/uv', 'dependencies/uv-lock', 'dependencies/uv-sync', 'dependencies/venv']) assert.match(res.stdout, new RegExp(`${id}: uv is not installed \\(not on PATH\\): left out`));
  assert.match(res.stdout, /quality\/ruff: ruff is not installed \(not on PATH\): left out .*--missing installed would use flake8/);
  assert.match(res.stdout, /quality\/ruff-format: ruff is not installed .*--missing installed would use black/);
  assert.is(r.heph(['run']).code, 0, 'what init wrote runs on this machine');
});

test('--missing keep writes them anyway; --missing installed uses black and flake8 for ruff; a bad value exits 2', () => {
  const r = uvProject(barePath(track(new Repo()), ['mypy', 'black', 'flake8']));
  assert.is(r.heph(['init', '--missing', 'keep']).code, 0);
  assert.equal(ids(r), ['environment/python', 'environment/uv', 'dependencies/uv-lock', 'dependencies/uv-sync', 'dependencies/venv', 'quality/ruff', 'quality/ruff-format', 'quality/mypy', 'platform/macos-cruft']);
  const inst = r.heph(['init', '--force', '--missing', 'installed']);
  assert.is(inst.code, 0, inst.stderr);
  assert.equal(ids(r), ['quality/flake8', 'quality/black', 'quality/mypy', 'platform/macos-cruft']);
  assert.match(inst.stdout, /quality\/ruff-format: ruff is not installed \(not on PATH\): replaced by black \(`black --check --quiet \{files\}`\)/);
  r.write('src/app/x.py', 'x = 1   \n').git('add', '-A');
  const fixed = r.hephJson(['run']);
  assert.is(fixed.report.checks.find((c: { name: string }) => c.name === 'black').status, 'fixed');
  const bad = r.heph(['init', '--force', '--missing', 'maybe']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--missing "maybe" is not one of keep, skip, installed/);
});

test('on a terminal, init asks per missing check', () => {
  const r = uvProject(barePath(track(new Repo()), ['mypy', 'black', 'flake8']));
  // script(1) gives heph a terminal; the answers: skip python, keep uv, skip the three uv checks, flake8 for ruff, skip ruff-format (after a bad answer).
  const answers = 's\nk\ns\n\ns\nu\nx\n\n';
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(process.cwd(), 'dist/cli.cjs'))} init`;
  const script = sh('sh', ['-c', 'command -v script'], { cwd: r.base }).stdout.trim();
  if (!script) return console.log('  (no script(1) here: the terminal question is not exercised)');
  const res = spawnSync(script, ['-qec', cmd, '/dev/null'], { cwd: r.dir, env: r.env, input: answers, encoding: 'utf8', timeout: 60_000 });
  assert.is(res.status, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /environment\/uv needs uv, which is not installed\. \[s\]kip it, \[k\]eep it/);
  assert.match(res.stdout, /quality\/ruff needs ruff, .*\[u\]se flake8 \(installed\)/);
  assert.equal(ids(r), ['environment/uv', 'quality/flake8', 'quality/mypy', 'platform/macos-cruft']);
});

test('dependency tools are not asked about: they come with the install', () => {
  const r = barePath(track(new Repo()), ['npm']);
  r.write('package.json', JSON.stringify({ name: 'a', devDependencies: { eslint: '9', typescript: '5' } })).write('package-lock.json', '{}').write('tsconfig.json', '{}');
  const res = r.heph(['init']);
  assert.is(res.code, 0, res.stderr);
  assert.ok(ids(r).includes('quality/eslint') && ids(r).includes('quality/tsc'));
  assert.match(res.stdout, /not installed yet, they come with the dependency install: eslint, tsc/);
  assert.match(res.stdout, /node_modules is not there: install the dependencies \(npm ci --no-audit --no-fund\) before the first commit/);
  assert.not.match(res.stdout, /missing tools:/);
});

test('a Node library without a lockfile: the node preset with an install that writes none; pnpm without a lockfile gets no install', () => {
  const r = barePath(track(new Repo()), ['npm']);
  r.write('package.json', JSON.stringify({ name: 'lib', scripts: { test: 'node --test' } }));
  const res = r.heph(['init']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /node preset \(detected\)/);
  const cfg = JSON.parse(r.read('.heph.json'));
  assert.is(cfg.phases.find((p: { name: string }) => p.name === 'dependencies').checks[0].run, 'npm install --no-package-lock --no-audit --no-fund');
  r.write('package.json', JSON.stringify({ name: 'lib', packageManager: 'pnpm@9.1.0' }));
  assert.is(r.heph(['init', '--force', '--missing', 'keep']).code, 0);
  assert.not.ok(ids(r).some((id) => id.startsWith('dependencies/')));
});

test('other hook managers are named, with what heph does and how to convert them', () => {
  const r = barePath(track(new Repo()), ['npm']);
  r.write('package.json', JSON.stringify({ name: 'a', 'lint-staged': { '*.js': 'eslint' }, devDependencies: { husky: '9', 'simple-git-hooks': '2' } })).write('package-lock.json', '{}');
  r.write('.pre-commit-config.yaml', 'repos: []\n').write('.husky/pre-commit', 'npx lint-staged\n').write('lefthook.yml', 'pre-commit: {}\n');
  const res = r.heph(['init']);
  assert.is(res.code, 0, res.stderr);
  for (const [name, where] of [['pre-commit', '.pre-commit-config.yaml'], ['husky', '.husky/'], ['lint-staged', 'package.json "lint-staged"'], ['lefthook', 'lefthook.yml'], ['simple-git-hooks', 'package.json dependency']]) {
    assert.match(res.stdout, new RegExp(`${name} \\(${where.replace(/[.]/g, '\\.')}\\): .*heph init --from ${name} --force`), name);
  }
  assert.match(res.stdout, /husky .*core\.hooksPath/);
});

test('$schema points at the installed package; without one, init says so', () => {
  const r = barePath(track(new Repo()), ['npm']);
  r.write('package.json', '{"name":"a"}').write('package-lock.json', '{}');
  const none = r.heph(['init']);
  assert.not.ok('$schema' in JSON.parse(r.read('.heph.json')));
  assert.match(none.stdout, /\$schema: not written, heph is not installed in this repository/);
  r.write('node_modules/heph/schema.json', '{}');
  assert.is(r.heph(['init', '--force']).code, 0);
  assert.is(JSON.parse(r.read('.heph.json')).$schema, './node_modules/heph/schema.json');
  assert.is(r.heph(['run', '--dry-run']).code, 0);
});

test.run();
