/**
 * A few cases of the pre-commit state-space fuzzer on every test run (the long
 * runs are `npm run fuzz`). HEPH_FUZZ_SEED / HEPH_FUZZ_CASES override.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzz } from '../fuzz/engine.js';

const seed = Number(process.env.HEPH_FUZZ_SEED ?? 20261125);
const cases = Number(process.env.HEPH_FUZZ_CASES ?? 25);

test(`the invariant holds over ${cases} random repository states, commits, kills and recoveries (seed ${seed})`, async () => {
  const sum = await fuzz(seed, cases, { log: (s) => s.startsWith('FAIL') && console.log(s) });
  assert.is(sum.cases, cases);
  assert.equal(sum.failures.map((f) => f.seed), [], 'failing case seeds (replay: HEPH_FUZZ_SEED=<seed - 1> HEPH_FUZZ_CASES=1 npm run fuzz)');
});

test.run();
