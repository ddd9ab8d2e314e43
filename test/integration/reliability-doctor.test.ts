import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CLI, Repo, repoPool } from '../helpers/repo.js';
import { deadPid } from '../helpers/proc.js';

const repo = repoPool(test);

const EVENTS = ['pre-commit', 'pre-push', 'post-checkout', 'post-merge'];

function shims(r: Repo, heph = CLI): void {
  for (const ev of EVENTS) writeFileSync(r.path(`.git/hooks/${ev}`), `#!/bin/sh\nexec "${heph}" hook run ${ev} "$@"\n`, { mode: 0o755 });
}

function healthy(): Repo {
  const r = repo();
  r.config({ settings: { minFreeDiskMB: 1 }, phases: [{ name: 'p', checks: [{ name: 'g', run: 'git --version' }, { name: 'c', run: r.counter('c') }] }] });
  r.commitAll();
  shims(r);
  return r;
}

test('a healthy repository: one line per check, exit 0', () => {
  const r = healthy();
  r.heph(['run']);
  const res = r.heph(['doctor']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  for (const name of ['git', 'config', 'hooks', 'state', 'lock', 'stash', 'disk', 'tools']) assert.match(res.stdout, new RegExp(`^✔ ${name}\\s`, 'm'));
  assert.match(res.stdout, /state\s+.*opens, 2 stored results/);
  assert.match(res.stdout, /lock\s+free/);
  assert.match(res.stdout, /no problems found/);
});

test('each problem is named with a fix, and doctor exits 1', async () => {
  const r = healthy();
  r.config({ settings: { minFreeDiskMB: 1e12 }, phases: [{ name: 'p', checks: [{ name: 'x', run: 'no-such-tool-xyz --check' }] }] });
  shims(r, join(r.base, 'gone', 'cli.cjs'));
  rmSync(r.path('.git/hooks/post-merge'));
  mkdirSync(r.path('.git/heph'), { recursive: true });
  writeFileSync(r.path('.git/heph/state.sqlite'), 'not a database, just text that is long enough to be a header of something');
  const pid = await deadPid();
  writeFileSync(r.path('.git/heph/run.lock'), JSON.stringify({ pid, host: hostname(), started: Date.now(), token: 't', command: 'run' }));
  const res = r.heph(['doctor']);
  assert.is(res.code, 1, res.stdout + res.stderr);
  assert.match(res.stdout, /✖ hooks\s+not installed: post-merge; broken: pre-commit \(runs .*gone\/cli\.cjs, which does not exist\).*fix: run `heph install`/);
  assert.match(res.stdout, /✖ state\s+state store .* is unreadable/);
  assert.match(res.stdout, new RegExp(`✔ lock\\s+left by pid ${pid} \\(heph run\\).*the next run takes it over`));
  assert.match(res.stdout, /✖ disk\s+.* free on \/.*fix: free space/);
  assert.match(res.stdout, /✖ tools\s+not found: no-such-tool-xyz \(p\/x\)/);
  assert.match(res.stdout, /heph doctor: 4 problems found/);
  assert.ok(r.exists('.git/heph/state.sqlite'), 'doctor changes nothing');
});

test('tools: shell commands are read past negation, assignments and shell builtins', () => {
  const r = healthy();
  r.config({
    phases: [{ name: 'p', checks: [
      { name: 'neg', shell: true, run: '! grep -n TODO {files}', files: ['*.js'] },
      { name: 'loop', shell: true, run: 'for f in {files}; do test -f "$f"; done', files: ['*.js'] },
      { name: 'env', shell: true, run: 'LC_ALL=C no-such-tool-abc --x' },
    ] }],
  });
  const res = r.heph(['doctor']);
  assert.match(res.stdout, /✖ tools\s+not found: no-such-tool-abc \(p\/env\)\s/);
  assert.not.match(res.stdout, /not found: .*[!{](?: |\()/);
});

test('an invalid config is reported, and the rest still runs', () => {
  const r = healthy();
  r.write('.heph.json', '{ "phases": [ { "name": 1 } ] }');
  const res = r.heph(['doctor']);
  assert.is(res.code, 1);
  assert.match(res.stdout, /✖ config\s+/);
  assert.match(res.stdout, /✔ git\s+version \d+\.\d+/);
  assert.match(res.stdout, /lock\s+free/);
});

test.run();
