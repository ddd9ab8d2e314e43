/** A `.heph.json` that is not what it seems, and commands that cannot be parsed, fail the load (exit 2). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPool } from '../helpers/repo.js';

const repo = repoPool(test);

test('an unterminated quote is a config error at load, with the JSON path, also for --dry-run', () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ok', run: 'true' }, { name: 'bad', run: 'echo "oops', fix: "sed 'x" }] }] });
  r.commitAll();
  for (const a of [['run'], ['run', '--dry-run'], ['hook', 'run', 'pre-commit']]) {
    const res = r.heph(a);
    assert.is(res.code, 2, a.join(' ') + res.stdout + res.stderr);
    assert.match(res.stderr, /phases\[0\]\.checks\[1\]\.run: expected a command whose quotes are closed/);
    assert.match(res.stderr, /phases\[0\]\.checks\[1\]\.fix: expected a command whose quotes are closed/);
  }
  r.config({ phases: [{ name: 'p', checks: [{ name: 'sh', shell: true, run: 'echo "$(date)"' }] }] });
  assert.is(r.heph(['run', '--dry-run']).code, 0, 'a shell command is left to the shell');
});

test('timeout "0s" is refused at load', () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'c', run: 'true', timeout: '0s' }] }] });
  const res = r.heph(['run']);
  assert.is(res.code, 2, res.stdout + res.stderr);
  assert.match(res.stderr, /phases\[0\]\.checks\[0\]\.timeout: expected a non-zero duration/);
});

test('.heph.json as a symlink to /dev/zero, a FIFO, or a file outside the repository is refused without reading it', () => {
  const r = repo();
  const secret = join(r.base, 'secret');
  writeFileSync(secret, 'TOPSECRET-CONTENT not json');
  const cases: [string, () => void, RegExp][] = [
    ['/dev/zero', () => symlinkSync('/dev/zero', r.path('.heph.json')), /leads outside the repository/],
    ['outside', () => symlinkSync(secret, r.path('.heph.json')), /leads outside the repository/],
    ['fifo', () => assert.is(spawnSync('mkfifo', [r.path('.heph.json')]).status, 0), /not a regular file/],
    ['huge', () => writeFileSync(r.path('.heph.json'), ' '.repeat(2 * 1024 * 1024) + '{}'), /at most/],
  ];
  for (const [name, make, why] of cases) {
    rmSync(r.path('.heph.json'), { force: true });
    make();
    for (const a of [['status'], ['run', '--dry-run']]) {
      const res = r.heph(a, { timeout: 30_000 });
      assert.is(res.code, 2, `${name}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, why, name);
      assert.not.match(res.stderr + res.stdout, /TOPSECRET/, name);
    }
  }
});

test('a .heph.json symlink to a regular file inside the repository is read', () => {
  const r = repo();
  mkdirSync(r.path('conf'));
  writeFileSync(r.path('conf/heph.json'), JSON.stringify({ phases: [{ name: 'p', checks: [{ name: 'c', run: 'true' }] }] }));
  symlinkSync('conf/heph.json', r.path('.heph.json'));
  r.commitAll();
  const res = r.heph(['run']);
  assert.is(res.code, 0, res.stdout + res.stderr);
});

test('a set named in extends that is a device or too big is refused, not read', () => {
  const r = repo();
  symlinkSync('/dev/zero', r.path('zero.json'));
  writeFileSync(r.path('big.json'), ' '.repeat(2 * 1024 * 1024) + '{}');
  for (const [set, why] of [['./zero.json', /not a regular file/], ['./big.json', /at most/]] as const) {
    r.config({ extends: [set], phases: [{ name: 'p', checks: [{ name: 'c', run: 'true' }] }] });
    const res = r.heph(['status'], { timeout: 30_000 });
    assert.is(res.code, 2, set + res.stdout + res.stderr);
    assert.match(res.stderr, why, set);
  }
});

test.run();
