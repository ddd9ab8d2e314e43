// `node scripts/bench-paths.mjs`: the cost of matching globs and of decoding
// git's name lists, on 40,000 synthetic paths, each figure as a ratio to a
// reference measured in the same run (matching `*.ts` with the regular
// expression; Buffer#toString of the same list). Needs `npm run build` (tsc
// output in build/). The figures in docs/benchmarks.md come from this script.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const { filterGlobs } = await import(resolve(ROOT, 'build/lib/util/glob.js'));
const { decodeBytes } = await import(resolve(ROOT, 'build/lib/git/bytes.js'));

const N = 40_000;
const paths = Array.from({ length: N }, (_, i) => `src/pkg${i % 40}/module${i % 7}/sub/file${i}.${i % 3 ? 'ts' : 'md'}`);

/** Median of `runs` timings of `fn`, in ms. */
function time(fn, runs = 15) {
  for (let i = 0; i < 3; i++) fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const ref = time(() => filterGlobs(paths, ['*.ts']));
console.log(`reference: *.ts over ${N} paths: ${ref.toFixed(2)} ms`);
for (const globs of [['src/**/*.ts', '!**/node_modules/**'], ['**/pkg1*/**/*.ts'], ['**/**/**/**/**/**/**/**/*.ts'], ['**/sub/**/file*1*2*.ts']]) {
  const ms = time(() => filterGlobs(paths, globs));
  console.log(`${JSON.stringify(globs)}: ${ms.toFixed(2)} ms = ${(ms / ref).toFixed(2)}x`);
}

const list = Buffer.from(paths.map((p) => `100644 ${'a'.repeat(40)} 0\t${p}\0`).join(''));
const latin1 = Buffer.concat([list, Buffer.from('100644 aaaa 0\tcaf\xe9.txt\0', 'latin1')]);
const toStr = time(() => list.toString('utf8'));
console.log(`reference: Buffer#toString of a ${(list.length / 1e6).toFixed(1)} MB ls-files list: ${toStr.toFixed(2)} ms`);
console.log(`decodeBytes, all UTF-8: ${(time(() => decodeBytes(list)) / toStr).toFixed(2)}x`);
console.log(`decodeBytes, one Latin-1 name: ${(time(() => decodeBytes(latin1)) / toStr).toFixed(2)}x`);
