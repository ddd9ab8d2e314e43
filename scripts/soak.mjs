// `npm run soak [ITERATIONS]`: the kill -9 loop of the test suite, run longer.
// Builds, runs build/test/integration/reliability-kill.test.js with
// HEPH_SOAK_ITERATIONS (default 200) and prints its figures: iterations,
// kills, kills that left the lock behind, takeovers, lost changes.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const iterations = process.argv[2] ?? process.env.HEPH_SOAK_ITERATIONS ?? '200';
const seed = process.env.HEPH_SOAK_SEED ?? String(Date.now() % 1e9);
const report = join(tmpdir(), `heph-soak-${process.pid}.json`);
for (const [cmd, args] of [['scripts/build.mjs', []], ['node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']]]) {
  const r = spawnSync(process.execPath, [cmd, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}
const started = Date.now();
const r = spawnSync(process.execPath, ['build/test/integration/reliability-kill.test.js'], {
  stdio: 'inherit',
  env: { ...process.env, HEPH_SOAK_ITERATIONS: iterations, HEPH_SOAK_SEED: seed, HEPH_SOAK_REPORT: report },
});
let figures = {};
try {
  figures = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(report);
} catch {
  /* the loop did not get far enough to write figures */
}
console.log(JSON.stringify({ seed: Number(seed), seconds: Math.round((Date.now() - started) / 1000), ...figures }, null, 2));
process.exit(r.status ?? 1);
