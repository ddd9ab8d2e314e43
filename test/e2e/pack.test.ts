/**
 * The packed artifact, as a user gets it: `npm pack`, installed into a
 * throwaway project, hooks installed through `npx heph`, real `git commit`s.
 * First without the native SQLite addon (npm 11 blocks dependencies' install
 * scripts unless allowed: heph must still work, and say how to fix it), then
 * after rebuilding it (or copying in the addon this checkout's `npm ci` built), when results are reused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Repo, ROOT, sh } from '../helpers/repo.js';

/** Copies the SQLite addon this checkout built into the project, if it is for the same sqlite3 version. */
function reuseAddon(project: string): boolean {
  const ours = join(ROOT, 'node_modules', 'sqlite3');
  const theirs = join(project, 'node_modules', 'sqlite3');
  const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
  const addon = join('build', 'Release', 'node_sqlite3.node');
  if (!existsSync(join(ours, addon)) || !existsSync(theirs) || version(ours) !== version(theirs)) return false;
  mkdirSync(dirname(join(theirs, addon)), { recursive: true });
  copyFileSync(join(ours, addon), join(theirs, addon));
  return true;
}

test('npm pack → install into a project → heph install → git commit', () => {
  const r = new Repo();
  // npm runs with the user's own configuration and cache (HOME), as a user would; git stays isolated.
  const npmEnv = { ...r.env, HOME: process.env.HOME ?? r.base };
  try {
    const packDir = join(r.base, 'pack');
    mkdirSync(packDir);
    const pack = sh('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT, env: npmEnv, timeout: 180_000 });
    assert.is(pack.code, 0, pack.stderr);
    const tgz = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);

    // The project is the repository itself.
    writeFileSync(r.path('package.json'), JSON.stringify({ name: 'demo', version: '1.0.0', private: true }));
    writeFileSync(r.path('.gitignore'), 'node_modules\n');
    const install = sh('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tgz], { cwd: r.dir, env: npmEnv, timeout: 300_000 });
    assert.is(install.code, 0, install.stderr);
    const npx = (args: string[], env: Record<string, string> = {}) => sh('npx', ['--no-install', 'heph', ...args], { cwd: r.dir, env: { ...r.env, ...env }, timeout: 120_000 });
    assert.match(npx(['--version']).stdout, /^heph\/\d+\.\d+\.\d+/);

    r.config({ phases: [{ name: 'quality', checks: [{ name: 'no-todo', shell: true, run: '! grep -n TODO {files}', files: ['*.js'] }] }] });
    r.write('index.js', 'console.log(1)\n');
    r.git('add', '-A');
    assert.is(npx(['install']).code, 0);
    let res = r.gitResult(['commit', '-q', '-m', 'first']);
    assert.is(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout + res.stderr, /SQLite driver could not be loaded.*npm install-scripts approve sqlite3 && npm rebuild sqlite3/s, 'a missing addon is explained, not fatal');

    r.write('index.js', 'console.log(2) // TODO\n').git('add', 'index.js');
    res = r.gitResult(['commit', '-q', '-m', 'todo']);
    assert.is.not(res.code, 0, 'the hook blocks through the packed build');
    assert.match(res.stdout + res.stderr, /quality\/no-todo\s+failed/);
    assert.is(r.git('log', '--format=%s').trim(), 'first');

    // With the addon built, results are stored and reused.
    // What the warning says to do: approve the install script, then rebuild. Compiling SQLite takes
    // minutes on a small machine, so when this checkout's `npm ci` already built the addon for the
    // same sqlite3 version, that build is copied in instead of compiled again.
    const approve = sh('npm', ['install-scripts', 'approve', 'sqlite3'], { cwd: r.dir, env: npmEnv, timeout: 60_000 });
    assert.is(approve.code, 0, approve.stderr);
    if (!reuseAddon(r.dir)) {
      const rebuild = sh('npm', ['rebuild', 'sqlite3'], { cwd: r.dir, env: npmEnv, timeout: 600_000 });
      assert.is(rebuild.code, 0, rebuild.stderr);
    }
    r.write('index.js', 'console.log(2)\n').git('add', 'index.js');
    res = r.gitResult(['commit', '-q', '-m', 'second']);
    assert.is(res.code, 0, res.stdout + res.stderr);
    assert.not.match(res.stdout + res.stderr, /SQLite driver/);
    const again = npx(['hook', 'run', 'pre-commit', '--json']);
    assert.is(again.code, 0);
    assert.is(r.git('show', 'HEAD:index.js'), 'console.log(2)\n');
  } finally {
    r.cleanup();
  }
});

test.run();
