// `node scripts/bench-paths.mjs`: the cost of matching globs and of decoding
// git's name lists, on 40,000 synthetic paths, and of reading a 50,000-entry
// `git ls-files -s -z` listing; each figure as a ratio to a reference measured
// in the same run (matching `*.ts` with the regular expression; Buffer#toString
// of the same list). Needs `npm run build` (tsc output in build/). The figures
// in docs/benchmarks.md come from this script.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const { filterGlobs } = await import(resolve(ROOT, 'build/lib/util/glob.js'));
const { decodeBytes } = await import(resolve(ROOT, 'build/lib/git/bytes.js'));
const { eachStageEntry, parseStageEntries } = await import(resolve(ROOT, 'build/lib/git/ls-files.js'));
const snapshot = await import(resolve(ROOT, 'build/lib/git/snapshot.js'));

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

// Reading `git ls-files -s -z` as the snapshot does: decode, then one Map entry per index entry.
const M = 50_000;
const oid = (i) => ((i * 2654435761) >>> 0).toString(16).padStart(40, 'a');
const stage = Buffer.from(Array.from({ length: M }, (_, i) => `${i % 9 ? '100644' : '100755'} ${oid(i)} 0\tsrc/pkg${i % 40}/module${i % 7}/sub/file${i}.${i % 3 ? 'ts' : 'md'}\0`).join(''));
const stageStr = time(() => stage.toString('utf8'));
console.log(`reference: Buffer#toString of a ${(stage.length / 1e6).toFixed(1)} MB list of ${M} index entries: ${stageStr.toFixed(2)} ms`);
const toMap = () => {
  const m = new Map();
  eachStageEntry(decodeBytes(stage), (mode, oid, _stage, path) => m.set(path, { mode, oid }));
  return m;
};
console.log(`decode + eachStageEntry into a Map: ${(time(toMap) / stageStr).toFixed(2)}x`);
if (snapshot.parseStage) console.log(`decode + snapshot.ts parseStage: ${(time(() => snapshot.parseStage(decodeBytes(stage))) / stageStr).toFixed(2)}x`);
console.log(`decode + parseStageEntries (records): ${(time(() => parseStageEntries(stage)) / stageStr).toFixed(2)}x`);
console.log(`latin1 + parseStageEntries (byte-string paths): ${(time(() => parseStageEntries(stage.toString('latin1'))) / stageStr).toFixed(2)}x`);
// The alternative to decoding first: parse the bytes, decoding each path alone (one native call per entry).
const byBytes = () => {
  const out = [];
  for (let i = 0; i < stage.length; ) {
    const end = stage.indexOf(0, i);
    const tab = stage.indexOf(9, i);
    out.push({ mode: stage.latin1Slice(i, i + 6), oid: stage.latin1Slice(i + 7, tab - 2), stage: stage[tab - 1] - 48, path: stage.utf8Slice(tab + 1, end) });
    i = end + 1;
  }
  return out;
};
console.log(`Buffer parsed byte by byte, each path decoded alone (not used): ${(time(byBytes) / stageStr).toFixed(2)}x`);
