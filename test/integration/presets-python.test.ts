/**
 * The Python preset for real: `heph init` and `heph install` on a generated uv
 * project, then commits, a push and a checkout that trip each phase. uv, ruff,
 * mypy and pytest are stand-ins on PATH; the preset's commands are unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head, show } from '../helpers/hooks.js';
import { initAndInstall, standIns } from '../helpers/standins.js';

const track = repoPool(test);

const pyproject = (requires = '>=3.8', deps = '"httpx>=0.27"') =>
  `[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = "${requires}"\ndependencies = [${deps}]\n\n[dependency-groups]\ndev = ["ruff>=0.6", "mypy>=1.11", "pytest>=8"]\n\n[tool.ruff]\nline-length = 100\n\n[tool.mypy]\nstrict = true\n`;

/** A small uv project with heph initialised and installed, everything committed. */
function pythonProject(): Repo {
  const r = track(new Repo());
  standIns(r, ['uv', 'ruff', 'mypy', 'pytest']);
  r.write('pyproject.toml', pyproject())
    .write('.gitignore', '.venv/\n__pycache__/\n')
    .write('src/app/__init__.py', 'def add(a: int, b: int) -> int:\n    return a + b\n')
    .write('tests/test_app.py', 'from app import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 3\n');
  assert.is(spawnSync('uv', ['lock'], { cwd: r.dir, env: r.env }).status, 0);
  return initAndInstall(r, 'python');
}

test('init writes the python preset; the first commit through the hooks passes and syncs .venv', () => {
  const r = pythonProject();
  const cfg = JSON.parse(r.read('.heph.json'));
  assert.equal(cfg.phases.map((p: { name: string }) => p.name), ['environment', 'dependencies', 'quality', 'platform']);
  assert.ok(r.exists('.venv/bin/python'), 'uv sync ran');
  assert.is(r.calls('pytest'), 0, 'tests are not run in pre-commit');
  assert.is(r.git('status', '--porcelain'), '');
});

test('quality: a lint error is fixed and re-staged, unstaged work kept; rollback brings the pre-fix state back', () => {
  const r = pythonProject();
  const body = 'a = 1\nb = 2\nc = 3\n';
  r.write('src/app/mod.py', `x = "BAD"\n${body}`).git('add', 'src/app/mod.py');
  r.write('src/app/mod.py', `x = "BAD"\n${body}d = 4\n`);
  const res = commit(r, ['-m', 'mod']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stderr + res.stdout, /quality\/ruff\s+fixed/);
  assert.is(show(r, 'HEAD:src/app/mod.py'), `x = "GOOD"\n${body}`, 'the fixed content is committed');
  assert.is(r.read('src/app/mod.py'), `x = "GOOD"\n${body}d = 4\n`, 'the unstaged line is back');
  const rb = r.heph(['rollback']);
  assert.is(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /rolled back 1 file to before the fixes of .* by quality\/ruff/);
  assert.is(r.read('src/app/mod.py'), `x = "BAD"\n${body}d = 4\n`, 'the fix is taken out, the unstaged line stays');
  assert.is(r.git('show', ':src/app/mod.py'), `x = "BAD"\n${body}`, 'the index holds what was staged before the fix');
  assert.match(r.heph(['rollback']).stdout, /nothing to roll back/);
});

test('dependencies: a staged pyproject.toml change makes the lock check fail, `uv lock` fixes it and uv.lock joins the commit', () => {
  const r = pythonProject();
  r.write('pyproject.toml', pyproject('>=3.8', '"httpx>=0.27", "rich"')).git('add', 'pyproject.toml');
  const res = commit(r, ['-m', 'add rich']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stderr + res.stdout, /dependencies\/uv-lock\s+fixed/);
  assert.is(spawnSync('uv', ['lock', '--check'], { cwd: r.dir, env: r.env }).status, 0, 'the committed lock matches');
  assert.equal(r.git('diff', 'HEAD~1', '--name-only').trim().split('\n').sort(), ['pyproject.toml', 'uv.lock']);
  assert.is(r.git('status', '--porcelain'), '');
});

test('--no-fix leaves the lock stale and blocks the commit', () => {
  const r = pythonProject();
  r.write('pyproject.toml', pyproject('>=3.8', '"rich"')).git('add', 'pyproject.toml');
  const before = head(r);
  const res = commit(r, ['-m', 'x'], { env: { HEPH_AUTO_FIX: '0' } });
  assert.is.not(res.code, 0);
  assert.match(res.stderr + res.stdout, /dependencies\/uv-lock\s+failed/);
  assert.is(head(r), before);
});

test('environment: a Python older than requires-python blocks the commit and says why', () => {
  const r = pythonProject();
  r.write('pyproject.toml', pyproject('>=3.99'));
  spawnSync('uv', ['lock'], { cwd: r.dir, env: r.env });
  assert.is(r.heph(['init', '--force']).code, 0);
  r.git('add', '-A');
  const res = commit(r, ['-m', 'newer python']);
  assert.is.not(res.code, 0);
  assert.match(res.stderr + res.stdout, /environment\/python\s+failed/);
  assert.match(res.stderr + res.stdout, /is older than 3\.99 \(pyproject\.toml requires-python\)/);
  assert.match(res.stderr + res.stdout, /dependencies\/uv-lock\s+not run/, 'a failing phase stops the run');
});

test('quality: a type error waits for the push (mypy is tagged slow) and blocks it; a format problem is fixed in the commit', () => {
  const r = pythonProject();
  const remote = track(new Repo({ bare: true }));
  r.git('remote', 'add', 'origin', remote.dir);
  r.write('src/app/typed.py', 'x: int = "TYPE_ERROR"   \n').git('add', '-A');
  const res = commit(r, ['-m', 'typed']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stderr + res.stdout, /quality\/ruff-format\s+fixed/);
  assert.is(show(r, 'HEAD:src/app/typed.py'), 'x: int = "TYPE_ERROR"\n');
  assert.not.match(res.stderr + res.stdout, /quality\/mypy\s+(passed|failed)/, 'the whole-project type check is not in pre-commit');
  const blocked = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is.not(blocked.code, 0);
  assert.match(blocked.stderr + blocked.stdout, /quality\/mypy\s+failed/);
  r.write('src/app/typed.py', 'x: int = 1\n').git('add', '-A');
  assert.is(commit(r, ['-m', 'typed']).code, 0);
  const pushed = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is(pushed.code, 0, pushed.stdout + pushed.stderr);
});

test('pre-push runs the tests; a failing test blocks the push', () => {
  const r = pythonProject();
  const remote = track(new Repo({ bare: true }));
  r.git('remote', 'add', 'origin', remote.dir);
  const blocked = r.gitResult(['push', '-q', 'origin', 'main'], { env: { FAKE_EXIT_pytest: '1' } });
  assert.is.not(blocked.code, 0);
  assert.match(blocked.stderr + blocked.stdout, /quality\/pytest\s+failed/, blocked.stderr + blocked.stdout);
  assert.is(remote.gitResult(['rev-parse', '--verify', '-q', 'main']).code, 1, 'nothing reached the remote');
  const pushed = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is(pushed.code, 0, pushed.stdout + pushed.stderr);
  assert.ok(r.calls('pytest') >= 2);
});

test('post-checkout: a branch with another uv.lock re-syncs the environment; platform checks are darwin-only', () => {
  const r = pythonProject();
  r.git('checkout', '-q', '-b', 'feature');
  r.write('pyproject.toml', pyproject('>=3.8', '"rich"'));
  spawnSync('uv', ['lock'], { cwd: r.dir, env: r.env });
  r.commitAll('rich');
  const syncs = () => r.callArgs('uv').filter((a) => a[0] === 'sync').length;
  const before = syncs();
  assert.is(r.gitResult(['checkout', '-q', 'main']).code, 0);
  assert.is(syncs(), before + 1, 'the lockfile changed: uv sync ran');
  assert.is(r.gitResult(['checkout', '-q', 'main']).code, 0);
  assert.is(syncs(), before + 1, 'same ref: nothing ran');
  const plan = r.hephJson(['run', '--dry-run']).report;
  const cruft = plan.checks.find((c: { name: string }) => c.name === 'macos-cruft');
  assert.match(cruft.reason, /platform darwin only/);
});

test("the platform check's command finds AppleDouble and .DS_Store files in the index", () => {
  const r = pythonProject();
  const cfg = JSON.parse(r.read('.heph.json'));
  const cruft = cfg.phases.find((p: { name: string }) => p.name === 'platform').checks[0];
  const run = () => spawnSync('sh', ['-c', cruft.run], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  assert.is(run().status, 0);
  r.write('src/._mod.py', 'x').write('.DS_Store', 'x').git('add', '-A');
  const found = run();
  assert.is(found.status, 1);
  assert.match(found.stdout, /^\.DS_Store\nsrc\/\._mod\.py\n$/);
});

test.run();
