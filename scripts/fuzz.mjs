// `npm run fuzz`: the state-space fuzzer of the pre-commit hook (test/fuzz/).
// HEPH_FUZZ_SEED (default: from the clock, printed) and HEPH_FUZZ_CASES
// (default 200) make a run reproducible: case i of seed S is case seed S+i+1,
// and `HEPH_FUZZ_SEED=<case seed - 1> HEPH_FUZZ_CASES=1` replays one case.
// Prints every failing case and a JSON summary; exits 1 on any failure.
// HEPH_FUZZ_NO_BUILD=1 skips the build (several runs side by side from one build).
import { spawnSync } from 'node:child_process';

if (!process.env.HEPH_FUZZ_NO_BUILD) for (const [cmd, args] of [['scripts/build.mjs', []], ['node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']]]) {
  const r = spawnSync(process.execPath, [cmd, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status || 1);
}
const { fuzz } = await import('../build/test/fuzz/engine.js');
const seed = Number(process.env.HEPH_FUZZ_SEED ?? Date.now() % 1e9);
const cases = Number(process.env.HEPH_FUZZ_CASES ?? 200);
console.log(`fuzzing ${cases} cases from seed ${seed}`);
const sum = await fuzz(seed, cases, { log: (s) => console.log(s) });
console.log(JSON.stringify({ seed: sum.seed, cases: sum.cases, committed: sum.committed, killed: sum.killed, keptCopies: sum.kept, blockedSeeds: sum.blocked, failures: sum.failures.length, failingSeeds: sum.failures.map((f) => f.seed), seconds: sum.seconds }, null, 2));
process.exit(sum.failures.length ? 1 : 0);
