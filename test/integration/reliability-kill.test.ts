/**
 * kill -9 of heph at random moments, during `heph run` and during the
 * pre-commit hook (which puts unstaged changes aside while checks run). After
 * each kill: no staged or unstaged change is lost once heph has run again, the
 * next run takes the lock over, and the state opens.
 * `npm run soak` runs the same loop longer (HEPH_SOAK_ITERATIONS) and writes
 * its figures to HEPH_SOAK_REPORT.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { Repo } from '../helpers/repo.js';
import { random, sleep, spawnHeph } from '../helpers/proc.js';

const ITERATIONS = Number(process.env.HEPH_SOAK_ITERATIONS ?? 24);
const SEED = Number(process.env.HEPH_SOAK_SEED ?? 20240611);

function setup(): Repo {
  const r = new Repo();
  const c = r.counter('c');
  const sleepy = (s: number) => `sh -c "${c} && sleep ${s}"`;
  r.write('a.txt', 'one\ntwo\nthree\n').write('b.txt', 'b\n');
  r.config({
    settings: { lockTimeout: '10s' },
    phases: [
      { name: 'env', checks: [{ name: 'e1', run: sleepy(0.05) }, { name: 'e2', run: sleepy(0.1) }] },
      { name: 'quality', checks: Array.from({ length: 6 }, (_, i) => ({ name: `q${i}`, run: sleepy(0.02 * i), inputs: ['*.txt'] })) },
      { name: 'files', checks: [{ name: 'f', run: `${c} {files}`, files: ['*.txt'] }] },
    ],
    hooks: { 'pre-commit': { mode: 'full' } },
  });
  r.commitAll();
  // Partially staged: a staged change and a different unstaged change in one file, plus an unstaged-only file.
  r.write('a.txt', 'one\nTWO\nthree\n');
  r.git('add', 'a.txt');
  r.write('a.txt', 'one\nTWO\nthree\nfour\n').write('b.txt', 'B\n');
  return r;
}

const changes = (r: Repo) => ({ staged: r.git('diff', '--cached', '--binary'), unstaged: r.git('diff', '--binary') });

const MODES = {
  run: (fast: boolean) => ['run', ...(fast ? ['--fast'] : [])],
  'pre-commit': (fast: boolean) => ['hook', 'run', 'pre-commit', ...(fast ? ['--fast'] : [])],
};
const reports: Record<string, unknown> = {};

for (const [mode, args] of Object.entries(MODES)) test(`kill -9 during ${mode} at random moments (${ITERATIONS} iterations): nothing lost, lock taken over, state opens`, async () => {
  const r = setup();
  const before = changes(r);
  const rand = random(SEED);
  const figures = { iterations: 0, kills: 0, killedHoldingLock: 0, takeovers: 0, stashesRecovered: 0, lostChanges: 0, stateRecoveries: 0 };
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      figures.iterations++;
      const run = spawnHeph(r, args(rand() < 0.5), { limitMs: 30_000 });
      await sleep(Math.floor(rand() * 300));
      if (run.child.exitCode === null) {
        run.child.kill('SIGKILL');
        figures.kills++;
      }
      await run.done;
      if (existsSync(r.path('.git/heph/run.lock'))) figures.killedHoldingLock++;
      const next = r.heph(args(true));
      assert.is(next.code, 0, `iteration ${i}: ${next.stderr}`);
      if (/took over the run lock/.test(next.stderr)) figures.takeovers++;
      if (/state store/.test(next.stderr)) figures.stateRecoveries++;
      if (/restored unstaged changes/.test(next.stderr)) figures.stashesRecovered++;
      const after = changes(r);
      if (after.staged !== before.staged || after.unstaged !== before.unstaged) figures.lostChanges++;
      assert.equal(after, before, `iteration ${i}: the working tree or index changed`);
    }
    assert.is(figures.stateRecoveries, 0, 'a kill never leaves the state half-written');
    assert.is(figures.takeovers, figures.killedHoldingLock, 'every lock left by a kill was taken over');
    assert.ok(figures.kills >= ITERATIONS / 2, `most runs were killed (${figures.kills})`);
  } finally {
    reports[mode] = figures;
    if (process.env.HEPH_SOAK_REPORT) writeFileSync(process.env.HEPH_SOAK_REPORT, JSON.stringify(reports, null, 2));
    r.cleanup();
  }
});

test.run();
