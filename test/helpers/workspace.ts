/**
 * A generated monorepo: three npm workspace packages (web, api, utils) with
 * their own lint (the eslint stand-in) and unit tests, and a uv-workspace
 * pair (libs/core, libs/cli) with ruff and pytest stand-ins. Each member has
 * its own `.heph.json`; the root one holds the hooks and a check of its own.
 * `unit` records the directory it ran in, so a test sees which member ran.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo } from './repo.js';
import { standIns } from './standins.js';

export const NPM_MEMBERS = ['web', 'api', 'utils'];
export const UV_MEMBERS = ['core', 'cli'];

const npmMember = (name: string) => ({
  phases: [
    {
      name: 'quality',
      checks: [
        { name: 'lint', run: 'npx --no-install eslint {files}', fix: 'npx --no-install eslint --fix {files}', files: ['*.js'] },
        { name: 'unit', run: 'unit', inputs: ['src/**', 'package.json', '../../package-lock.json'] },
      ],
    },
  ],
  ...(name === 'utils' ? { name: 'utils' } : {}),
});

const uvMember = () => ({
  phases: [
    {
      name: 'quality',
      checks: [
        { name: 'ruff', run: 'ruff check {files}', files: ['*.py'] },
        { name: 'pytest', run: 'unit', inputs: ['**/*.py', 'pyproject.toml', '/uv.lock'] },
      ],
    },
  ],
});

export function workspace(r = new Repo()): Repo {
  standIns(r, ['npx', 'ruff']);
  const unit = join(r.base, 'bin', 'unit');
  mkdirSync(join(r.base, 'calls'), { recursive: true });
  writeFileSync(unit, `#!/bin/sh\npwd >> "${join(r.base, 'calls', 'unit')}"\nexit \${FAKE_EXIT_unit:-0}\n`);
  chmodSync(unit, 0o755);
  r.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
  r.write('package-lock.json', '{ "lockfileVersion": 3 }\n');
  r.write('pyproject.toml', '[tool.uv.workspace]\nmembers = ["libs/*"]\n');
  r.write('uv.lock', 'version = 1\n');
  r.write('README.md', '# mono\n');
  r.config({
    phases: [{ name: 'quality', checks: [{ name: 'readme', run: 'true', files: ['*.md'] }] }],
    hooks: { 'pre-commit': { mode: 'fast' }, 'pre-push': { mode: 'full' } },
  });
  for (const m of NPM_MEMBERS) {
    r.write(`packages/${m}/package.json`, JSON.stringify({ name: `@mono/${m}`, scripts: { lint: 'eslint .', test: 'unit' } }) + '\n');
    r.write(`packages/${m}/src/index.js`, `export const ${m} = 1;\n`);
    r.write(`packages/${m}/.heph.json`, JSON.stringify(npmMember(m), null, 2));
  }
  for (const m of UV_MEMBERS) {
    r.write(`libs/${m}/pyproject.toml`, `[project]\nname = "${m}"\n`);
    r.write(`libs/${m}/src/${m}/__init__.py`, 'x = 1\n');
    r.write(`libs/${m}/.heph.json`, JSON.stringify(uvMember(), null, 2));
  }
  return r;
}

/** The directories `unit` ran in since the last call, relative to the repository, sorted. */
export function unitRuns(r: Repo): string[] {
  const f = join(r.base, 'calls', 'unit');
  if (!existsSync(f)) return [];
  const root = realpathSync(r.dir);
  const dirs = readFileSync(f, 'utf8').split('\n').filter(Boolean).map((d) => realpathSync(d).slice(root.length + 1));
  rmSync(f);
  return dirs.sort();
}

/** The file arguments of each eslint / ruff stand-in call since the last one, sorted. */
export function linted(r: Repo, tool: 'npx' | 'ruff'): string[][] {
  const calls = r.callArgs(tool).map((a) => a.filter((x) => !x.startsWith('-') && !['eslint', 'check'].includes(x)));
  rmSync(join(r.base, 'calls', tool), { force: true });
  return calls.sort();
}
