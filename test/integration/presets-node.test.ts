/**
 * The Node preset for real: `heph init` and `heph install` on a generated
 * npm project, then commits and checkouts that trip each phase. npm and npx
 * are stand-ins on PATH (one test uses the real npm for the lockfile check);
 * the preset's commands are unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Repo, cleanEnv, repoPool } from '../helpers/repo.js';
import { commit, show } from '../helpers/hooks.js';
import { initAndInstall, standIns } from '../helpers/standins.js';

const track = repoPool(test);

const pkg = (extra: object = {}) =>
  JSON.stringify({ name: 'app', version: '1.0.0', engines: { node: '>=20.19' }, scripts: { test: 'node --test' }, devDependencies: { eslint: '^9', prettier: '^3', typescript: '^5' }, ...extra }, null, 2) + '\n';

function nodeProject(): Repo {
  const r = track(new Repo());
  standIns(r, ['npm', 'npx']);
  r.write('package.json', pkg()).write('.gitignore', 'node_modules/\n').write('tsconfig.json', '{}\n').write('src/index.ts', 'export const a = 1;\n');
  assert.is(spawnSync('npm', ['install'], { cwd: r.dir, env: r.env }).status, 0);
  return initAndInstall(r, 'node');
}

const installs = (r: Repo) => r.callArgs('npm').filter((a) => a[0] === 'ci' && !a.includes('--dry-run')).length;

test('init writes the node preset from package.json, the lockfile and tsconfig.json', () => {
  const r = nodeProject();
  const cfg = JSON.parse(r.read('.heph.json'));
  const ids = cfg.phases.flatMap((p: { name: string; checks: { name: string }[] }) => p.checks.map((c) => `${p.name}/${c.name}`));
  assert.equal(ids, ['environment/node', 'dependencies/npm-lock', 'dependencies/npm-install', 'quality/eslint', 'quality/prettier', 'quality/tsc', 'quality/test', 'platform/macos-cruft']);
  assert.not.ok(r.callArgs('npm').some((a) => a[0] === 'test'), 'tests are not run in pre-commit');
});

test('quality: eslint and prettier fixes are re-staged and committed; tsc errors block the push, not the commit', () => {
  const r = nodeProject();
  r.write('src/a.ts', 'export const b = "BAD";   \n').git('add', '-A');
  const res = commit(r, ['-m', 'a']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stderr + res.stdout, /quality\/eslint\s+fixed/);
  assert.match(res.stderr + res.stdout, /quality\/prettier\s+fixed/);
  assert.is(show(r, 'HEAD:src/a.ts'), 'export const b = "GOOD";\n');
  assert.ok(r.exists('.git/heph/cache/eslintcache') && r.exists('.git/heph/cache/prettiercache'), "the tools' caches are under heph's folder");
  assert.match(r.read('.heph.json'), /tsc --noEmit --incremental --tsBuildInfoFile \\"\$\(git rev-parse --git-path heph\/cache\/tsconfig\.tsbuildinfo\)\\"/);
  // tsc is tagged slow: a commit does not wait for it, the push does.
  const remote = track(new Repo({ bare: true }));
  r.git('remote', 'add', 'origin', remote.dir);
  r.write('src/b.ts', 'export const c: number = "TYPE_ERROR";\n').git('add', '-A');
  const ok = commit(r, ['-m', 'b']);
  assert.is(ok.code, 0, ok.stdout + ok.stderr);
  assert.not.match(ok.stderr + ok.stdout, /quality\/tsc\s+(passed|failed)/, 'tsc did not run in the commit');
  const bad = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /quality\/tsc\s+failed/);
  assert.is(remote.gitResult(['rev-parse', '--verify', '-q', 'main']).code, 1, 'nothing reached the remote');
  assert.ok(r.exists('.git/heph/cache/tsconfig.tsbuildinfo'), "tsc's build info is under heph's folder");
});

test('a linked worktree keeps its own tool caches, under its git directory', () => {
  const r = nodeProject();
  r.git('worktree', 'add', '-q', '../wt', '-b', 'side');
  const wt = `${r.dir}/../wt`;
  spawnSync('npm', ['install'], { cwd: wt, env: r.env });
  const res = r.heph(['run', '--only', 'eslint'], { cwd: wt });
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.ok(r.exists('.git/worktrees/wt/heph/cache/eslintcache'), "the worktree's cache");
  assert.not.ok(r.exists('.git/heph/cache/eslintcache'), "not the main checkout's");
});

test('dependencies: a staged package.json change is caught and the install fix adds the lockfile to the commit', () => {
  const r = nodeProject();
  r.write('package.json', pkg({ dependencies: { left: '1.0.0' } })).git('add', 'package.json');
  const res = commit(r, ['-m', 'dep']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stderr + res.stdout, /dependencies\/npm-lock\s+fixed/);
  assert.match(res.stderr + res.stdout, /re-staged 1 file changed by fixes: package-lock\.json/, 'the output names the re-staged lockfile');
  assert.equal(r.git('diff', 'HEAD~1', '--name-only').trim().split('\n').sort(), ['package-lock.json', 'package.json']);
  assert.is(spawnSync('npm', ['ci', '--dry-run'], { cwd: r.dir, env: r.env }).status, 0);
});

test('environment: an engines requirement above this Node blocks the commit', () => {
  const r = nodeProject();
  r.write('package.json', pkg({ engines: { node: '>=99' } }));
  spawnSync('npm', ['install'], { cwd: r.dir, env: r.env });
  assert.is(r.heph(['init', '--force']).code, 0);
  r.git('add', '-A');
  const res = commit(r, ['-m', 'engines']);
  assert.is.not(res.code, 0);
  assert.match(res.stderr + res.stdout, new RegExp(`node ${process.versions.node} is older than 99\\.0\\.0 \\(package\\.json engines\\)`));
});

test('installs run on checkout when the lockfile changed, not in pre-commit', () => {
  const r = nodeProject();
  r.git('checkout', '-q', '-b', 'feature');
  r.write('package.json', pkg({ dependencies: { left: '1.0.0' } }));
  spawnSync('npm', ['install'], { cwd: r.dir, env: r.env });
  const before = installs(r);
  r.git('add', '-A');
  assert.is(commit(r, ['-m', 'dep']).code, 0);
  assert.is(installs(r), before, 'the lock is in sync: pre-commit installs nothing');
  assert.is(r.gitResult(['checkout', '-q', 'main']).code, 0);
  assert.is(installs(r), before + 1, 'the lockfile changed: npm ci ran');
  assert.is(r.gitResult(['checkout', '-q', 'main', '--', 'package.json']).code, 0);
  assert.is(installs(r), before + 1, 'a file checkout runs nothing');
});

test('a checkout to a branch whose lockfile is out of sync reports it and changes nothing: no fix runs outside a commit', () => {
  const r = nodeProject();
  r.git('checkout', '-q', '-b', 'stale');
  r.write('package.json', pkg({ dependencies: { left: '1.0.0' } })).git('add', 'package.json');
  r.git('-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'stale lock');
  r.git('checkout', '-q', 'main');
  const before = r.callArgs('npm').filter((a) => a[0] === 'install').length;
  const res = r.gitResult(['checkout', '-q', 'stale']);
  assert.is(res.code, 0, 'post-checkout never blocks');
  assert.match(res.stdout + res.stderr, /dependencies\/npm-lock\s+failed/);
  assert.is(r.callArgs('npm').filter((a) => a[0] === 'install').length, before, 'the fix (npm install) did not run');
  assert.is(r.git('status', '--porcelain'), '', 'the lockfile is as committed');
});

test("the real npm's lockfile check: out of sync fails, the fix brings it back in sync", () => {
  const r = track(new Repo());
  const env = cleanEnv({ HOME: r.base, npm_config_cache: `${r.base}/.npm`, npm_config_offline: 'true', npm_config_update_notifier: 'false' });
  Object.assign(r.env, env);
  r.write('dep/package.json', '{ "name": "dep", "version": "1.0.0" }\n').write('package.json', '{ "name": "app", "version": "1.0.0", "dependencies": {} }\n').write('.gitignore', 'node_modules/\n');
  assert.is(spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: r.dir, env: r.env }).status, 0);
  r.commitAll('app');
  assert.is(r.heph(['init', '--preset', 'node']).code, 0);
  assert.is(r.hephJson(['run', '--only', 'npm-lock']).report.checks[0].status, 'passed');
  r.write('package.json', '{ "name": "app", "version": "1.0.0", "dependencies": { "dep": "file:dep" } }\n');
  assert.is(r.hephJson(['run', '--only', 'npm-lock', '--no-fix']).report.checks[0].status, 'failed');
  const fixed = r.hephJson(['run', '--only', 'npm-lock']).report.checks[0];
  assert.is(fixed.status, 'fixed', fixed.tail);
  assert.match(r.read('package-lock.json'), /"dep": "file:dep"/);
});

test("the install check is a frozen install: the real npm leaves a lockfile it would rewrite as it is, after a run and a checkout", () => {
  const r = track(new Repo());
  Object.assign(r.env, cleanEnv({ HOME: r.base, npm_config_cache: `${r.base}/.npm`, npm_config_offline: 'true', npm_config_update_notifier: 'false' }));
  r.write('dep/package.json', '{ "name": "dep", "version": "1.0.0" }\n').write('package.json', '{ "name": "app", "version": "1.0.0", "dependencies": { "dep": "file:dep" } }\n').write('.gitignore', 'node_modules/\n');
  assert.is(spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: r.dir, env: r.env }).status, 0);
  // A field npm install copies into the lockfile and npm ci does not need: the lockfile is in sync, yet npm install rewrites it.
  r.write('package.json', '{ "name": "app", "version": "1.0.0", "license": "MIT", "dependencies": { "dep": "file:dep" } }\n');
  r.commitAll('app');
  assert.is(r.heph(['init', '--preset', 'node']).code, 0);
  r.commitAll('heph');
  const run = r.hephJson(['run']);
  const ran = run.report.checks.filter((c: { status: string }) => c.status !== 'skipped').map((c: { phase: string; name: string; status: string }) => `${c.phase}/${c.name} ${c.status}`);
  assert.equal(ran, ['dependencies/npm-lock passed', 'dependencies/npm-install passed']);
  assert.is(r.git('status', '--porcelain'), '', 'nothing in the checkout changed');
  assert.is(r.heph(['install']).code, 0);
  r.git('checkout', '-q', '-b', 'other');
  r.write('package.json', '{ "name": "app", "version": "1.0.1", "license": "MIT", "dependencies": { "dep": "file:dep" } }\n');
  assert.is(spawnSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: r.dir, env: r.env }).status, 0);
  r.git('-c', 'core.hooksPath=/dev/null', 'commit', '-qam', 'bump');
  assert.is(r.gitResult(['checkout', '-q', 'main']).code, 0);
  assert.is(r.git('status', '--porcelain'), '', 'the post-checkout install left the lockfile as it is');
});

test("husky's prepare script does not turn heph's hooks off: the real npm's install runs with HUSKY=0", () => {
  const r = track(new Repo());
  Object.assign(r.env, cleanEnv({ HOME: r.base, npm_config_cache: `${r.base}/.npm`, npm_config_offline: 'true', npm_config_update_notifier: 'false' }));
  // A local package named husky, and a prepare script that does what husky's does unless HUSKY=0.
  r.write('husky/package.json', '{ "name": "husky", "version": "9.0.0" }\n').write('.gitignore', 'node_modules/\n');
  r.write('package.json', JSON.stringify({ name: 'app', version: '1.0.0', scripts: { prepare: 'test "$HUSKY" = 0 || git config core.hooksPath .husky/_' }, devDependencies: { husky: 'file:husky' } }, null, 2) + '\n');
  assert.is(spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: r.dir, env: { ...r.env, HUSKY: '0' } }).status, 0);
  r.commitAll('app');
  const init = r.heph(['init']);
  assert.match(init.stdout, /husky: its prepare script would point git's hooks back at \.husky\/ on every install; the install checks run with HUSKY=0/);
  assert.is(r.heph(['install']).code, 0);
  const run = r.hephJson(['run', '--only', 'npm-install']);
  assert.is(run.report.checks[0].status, 'passed');
  assert.is(r.gitResult(['config', '--get', 'core.hooksPath']).stdout.trim(), '', "core.hooksPath is untouched: heph's hooks still run");
});

test.run();
