/** `heph init`: detection, refusal to overwrite, --force, --preset, and its errors. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, Repo, repoPool, sh } from '../helpers/repo.js';

const track = repoPool(test);

test('from a subdirectory: writes .heph.json at the root, valid, and names the next step', () => {
  const r = track(new Repo());
  r.write('pyproject.toml', '[project]\nname = "x"\nrequires-python = ">=3.10"\n').write('src/x/__init__.py', '');
  const res = r.heph(['init'], { cwd: r.path('src/x') });
  assert.is(res.code, 0, res.stderr);
  assert.ok(r.exists('.heph.json'));
  assert.match(res.stdout, /python preset \(detected\)/);
  assert.match(res.stdout, /heph install/);
  assert.is(r.heph(['run', '--dry-run']).code, 0, 'heph loads what init wrote');
});

test('an existing .heph.json is left as it is (exit 2) unless --force', () => {
  const r = track(new Repo());
  r.write('package.json', '{}').write('package-lock.json', '{}').write('.heph.json', '{"mine": true}');
  const res = r.heph(['init']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /\.heph\.json already exists; heph init leaves it as it is/);
  assert.match(res.stderr, /--force/);
  assert.is(r.read('.heph.json'), '{"mine": true}');
  assert.is(r.heph(['init', '--force']).code, 0);
  assert.match(r.read('.heph.json'), /"npm-lock"/);
});

test('--preset chooses (python,node for both); an unknown preset or nothing to detect exits 2', () => {
  const r = track(new Repo());
  r.write('README.md', 'x');
  const none = r.heph(['init']);
  assert.is(none.code, 2);
  assert.match(none.stderr, /found no Python project .* and no Node project/);
  assert.match(none.stderr, /heph init --preset python, or --preset node/);
  const bad = r.heph(['init', '--preset', 'ruby']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown preset "ruby"/);
  const both = r.heph(['init', '--preset', 'python,node']);
  assert.is(both.code, 0, both.stderr);
  assert.match(both.stdout, /python \+ node presets/);
});

test('outside a git repository: exit 2 and a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-norepo-'));
  try {
    mkdirSync(join(dir, 'p'));
    const res = sh(process.execPath, [CLI, 'init'], { cwd: join(dir, 'p') });
    assert.is(res.code, 2);
    assert.match(res.stderr, /not a git repository|not inside a git/i);
    assert.not.match(res.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
