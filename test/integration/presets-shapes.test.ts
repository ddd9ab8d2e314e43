/**
 * The shapes of real repositories `heph init` was tried on, generated small
 * and without the network: a uv project on a machine without uv or ruff; an
 * npm library with type-aware eslint, prettier and tsc whose .gitignore hides
 * dotfiles; a pnpm + biome library; a large documentation repository with
 * Python scripts, husky and many files. The tools are stand-ins
 * (test/helpers/standins.ts); what heph writes and does is real.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, show } from '../helpers/hooks.js';
import { onlyOnPath } from '../helpers/standins.js';

const track = repoPool(test);
const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
const passes = (res: { code: number | null; stdout: string; stderr: string }, what: string) => assert.is(res.code, 0, `${what}:\n${out(res)}`);
const ids = (r: Repo): string[] => JSON.parse(r.read('.heph.json')).phases.flatMap((p: { name: string; checks: { name: string }[] }) => p.checks.map((c) => `${p.name}/${c.name}`));
const check = (r: Repo, name: string) => JSON.parse(r.read('.heph.json')).phases.flatMap((p: { checks: object[] }) => p.checks).find((c: { name: string }) => c.name === name);

function withRemote(r: Repo): Repo {
  const remote = track(new Repo({ bare: true }));
  r.git('remote', 'add', 'origin', remote.dir);
  return remote;
}

test('a uv project with a src layout, on a machine without uv or ruff (the shape of a small Pallets library)', () => {
  const r = onlyOnPath(track(new Repo()), ['mypy', 'pytest', 'black', 'flake8'], ['python3']);
  r.write('pyproject.toml', '[project]\nname = "lib"\nrequires-python = ">=3.8"\n\n[dependency-groups]\ndev = ["ruff"]\ntests = ["pytest"]\ntyping = ["mypy", "pytest"]\n\n[tool.uv]\ndefault-groups = ["dev", "tests", "typing"]\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n[tool.mypy]\nfiles = ["src"]\nstrict = true\n')
    .write('uv.lock', 'version = 1\n\n[[package]]\nname = "mypy"\nversion = "1.15.0"\n\n[[package]]\nname = "pytest"\nversion = "8.3.5"\n')
    .write('.pre-commit-config.yaml', 'repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    hooks:\n      - id: ruff\n')
    .write('src/lib/__init__.py', 'def sign(x: str) -> str:\n    return x\n')
    .write('tests/test_lib.py', 'from lib import sign\n\n\ndef test_sign() -> None:\n    assert sign("a") == "a"\n');
  r.commitAll('lib');
  const init = r.heph(['init']);
  assert.is(init.code, 0, out(init));
  assert.equal(ids(r), ['environment/python', 'quality/mypy', 'quality/pytest', 'platform/macos-cruft']);
  assert.is(check(r, 'mypy').run, 'mypy', '[tool.mypy] names its files');
  assert.match(init.stdout, /mypy: uv is not installed, so mypy runs from PATH, in whatever version is there \(uv\.lock pins 1\.15\.0\)/);
  assert.match(init.stdout, /dependencies\/uv-lock: uv is not installed \(not on PATH\): left out/);
  assert.match(init.stdout, /quality\/ruff: ruff is not installed .*--missing installed would use flake8/);
  assert.match(init.stdout, /pre-commit \(\.pre-commit-config\.yaml\): .*heph init --from pre-commit --force/);
  passes(r.heph(['install']), 'install');
  r.git('add', '.heph.json');
  passes(commit(r, ['-m', 'heph']), 'the commit of .heph.json');
  passes(r.heph(['run']), 'the first full run');
  const remote = withRemote(r);
  r.write('tests/test_more.py', 'def test_more() -> None:\n    pass\n').git('add', '-A');
  assert.is(commit(r, ['-m', 'more']).code, 0);
  const blocked = r.gitResult(['push', '-q', 'origin', 'main'], { env: { FAKE_EXIT_pytest: '1' } });
  assert.is.not(blocked.code, 0);
  assert.match(out(blocked), /quality\/pytest\s+failed/);
  assert.is(r.gitResult(['push', '-q', 'origin', 'main']).code, 0);
  assert.is(remote.git('rev-parse', 'main').trim(), r.git('rev-parse', 'HEAD').trim());
});

test('an npm library: eslint on the paths its lint script names, type-aware so at the push; prettier; tsc; a .gitignore that hides dotfiles', () => {
  const r = onlyOnPath(track(new Repo()), ['npm', 'npx'], ['node']);
  r.write('package.json', JSON.stringify({ name: 'lib', version: '1.0.0', type: 'module', scripts: { lint: 'eslint src/', test: 'vitest run' }, prettier: { semi: false }, devDependencies: { eslint: '^9', prettier: '^3', typescript: '^5', 'typescript-eslint': '^8' }, engines: { node: '^20.19 || ^22.12 || >=24' } }, null, 2) + '\n')
    .write('.gitignore', '.*\nnode_modules/\ndist/\n')
    .write('eslint.config.js', "export default [...typescript.configs.recommendedTypeChecked, { languageOptions: { parserOptions: { projectService: true } } }]\n")
    .write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n')
    .write('src/index.ts', 'export const parse = (s: string) => s\n')
    .write('bin.js', "// BAD by the lint rules, but the project does not lint it\nimport './dist/cli.js'\n");
  spawnSync('npm', ['install'], { cwd: r.dir, env: r.env });
  r.commitAll('lib');
  const init = r.heph(['init']);
  assert.is(init.code, 0, out(init));
  assert.match(out(init), /\.heph\.json is ignored by a \.gitignore rule: add it with `git add -f \.heph\.json`/);
  assert.equal(check(r, 'eslint').files, ['src/**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}']);
  assert.equal(check(r, 'eslint').tags, ['slow']);
  assert.equal(check(r, 'tsc').tags, ['slow']);
  passes(r.heph(['install']), 'install');
  r.git('add', '-f', '.heph.json');
  passes(commit(r, ['-m', 'heph']), 'the commit of .heph.json');
  passes(r.heph(['run']), 'the first full run (bin.js is not linted)');
  r.write('src/a.ts', 'export const a = 1   \n').git('add', '-A');
  const fixed = commit(r, ['-m', 'a']);
  assert.is(fixed.code, 0, out(fixed));
  assert.match(out(fixed), /re-staged 1 file changed by fixes: src\/a\.ts/);
  assert.is(show(r, 'HEAD:src/a.ts'), 'export const a = 1\n');
  const remote = withRemote(r);
  r.write('src/b.ts', 'export const b = "BAD"\n').git('add', '-A');
  assert.is(commit(r, ['-m', 'b']).code, 0, 'type-aware eslint waits for the push');
  const blocked = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.match(out(blocked), /quality\/eslint\s+failed/, out(blocked));
  assert.is(remote.gitResult(['rev-parse', '--verify', '-q', 'main']).code, 1);
});

test('a pnpm library with biome (the shape of a TypeScript starter): the first run passes; fixes, lockfile, checkout, push', () => {
  const r = onlyOnPath(track(new Repo()), ['pnpm', 'npx'], ['node']);
  r.write('package.json', JSON.stringify({ name: '@x/lib', version: '1.0.0', type: 'module', scripts: { lint: 'biome check --error-on-warnings', test: 'vitest run --coverage' }, devDependencies: { '@biomejs/biome': '2', typescript: '5', vitest: '3' }, engines: { node: '>=20' } }, null, 2) + '\n')
    .write('.gitignore', 'node_modules/\n').write('biome.json', '{}\n').write('tsconfig.json', '{}\n').write('src/index.ts', 'export const a = 1;\n');
  spawnSync('pnpm', ['install'], { cwd: r.dir, env: r.env });
  r.commitAll('lib');
  const init = r.heph(['init']);
  assert.is(init.code, 0, out(init));
  assert.equal(ids(r), ['environment/node', 'dependencies/pnpm-lock', 'dependencies/pnpm-install', 'quality/biome', 'quality/tsc', 'quality/test', 'platform/macos-cruft']);
  assert.is(check(r, 'biome').run, 'node_modules/.bin/biome check --files-ignore-unknown=true --no-errors-on-unmatched {files}');
  passes(r.heph(['install']), 'install');
  r.git('add', '.heph.json');
  passes(commit(r, ['-m', 'heph']), 'the commit of .heph.json');
  passes(r.heph(['run']), 'the first full run');
  r.write('src/b.ts', 'export const b = "BAD";   \n').git('add', '-A');
  const res = commit(r, ['-m', 'b']);
  assert.is(res.code, 0, out(res));
  assert.match(out(res), /quality\/biome\s+fixed/);
  r.write('package.json', r.read('package.json').replace('"vitest": "3"', '"vitest": "3",\n    "left": "1"')).git('add', 'package.json');
  const dep = commit(r, ['-m', 'dep']);
  assert.match(out(dep), /re-staged 1 file changed by fixes: pnpm-lock\.yaml/);
  assert.is(r.git('status', '--porcelain'), '');
  r.git('checkout', '-q', 'HEAD~1');
  assert.is(r.git('status', '--porcelain'), '', 'the install on checkout leaves the lockfile as it is');
  r.git('checkout', '-q', 'main');
  withRemote(r);
  assert.is(r.gitResult(['push', '-q', 'origin', 'main']).code, 0);
});

test('a large documentation repository: many files, Python scripts on black and flake8, npm, husky', () => {
  const r = onlyOnPath(track(new Repo()), ['npm', 'npx', 'black', 'flake8'], ['node']);
  r.write('package.json', JSON.stringify({ name: 'pages', private: true, dependencies: { 'markdownlint-cli': '^0.49' }, devDependencies: { husky: '^9' }, scripts: { test: 'bash scripts/test.sh', prepare: 'husky' } }, null, 2) + '\n')
    .write('requirements.txt', 'black==26.5.1\nflake8==7.3.0\n').write('.flake8', '[flake8]\nmax-line-length = 88\n')
    .write('.husky/pre-commit', 'npm test\n').write('.gitignore', 'node_modules/\n').write('scripts/set_links.py', 'import sys\n\nprint(sys.argv)\n');
  for (let i = 0; i < 3000; i++) r.write(`pages.${['de', 'fr', 'ja'][i % 3]}/common/cmd${i}.md`, `# cmd${i}\n\n> Does ${i}.\n`);
  spawnSync('npm', ['install'], { cwd: r.dir, env: r.env });
  r.commitAll('pages');
  r.git('config', 'core.hooksPath', '.husky/_');
  const init = r.heph(['init']);
  assert.is(init.code, 0, out(init));
  assert.match(init.stdout, /python \+ node presets \(detected\)/);
  assert.equal(ids(r), ['dependencies/npm-lock', 'dependencies/npm-install', 'quality/flake8', 'quality/black', 'quality/test', 'platform/macos-cruft']);
  assert.match(check(r, 'npm-install').run, /^HUSKY=0 npm ci/);
  assert.match(init.stdout, /husky \(\.husky\/\): husky points git's core\.hooksPath at \.husky\/_: heph install stops and asks for --force/);
  const refused = r.heph(['install']);
  assert.is(refused.code, 2, 'as init said');
  assert.is(r.heph(['install', '--force']).code, 0);
  r.git('add', '.heph.json');
  passes(commit(r, ['-m', 'heph']), 'the commit of .heph.json');
  passes(r.heph(['run']), 'the first full run');
  r.write('pages.de/common/cmd7.md', '# cmd7\n\n> Does seven.\n').git('add', '-A');
  const page = commit(r, ['-m', 'page']);
  assert.is(page.code, 0, out(page));
  r.write('scripts/set_links.py', 'import sys\nprint(sys.argv)   \n').git('add', '-A');
  const fixed = commit(r, ['-m', 'script']);
  assert.match(out(fixed), /quality\/black\s+fixed/);
  withRemote(r);
  assert.is(r.gitResult(['push', '-q', 'origin', 'main']).code, 0);
});

test.run();
