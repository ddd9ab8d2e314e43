// `npm run bench -- --store`: the per-file certification table at scale. Fills
// a store with N million certifications (as 2,000-file runs would), then times
// what a run does: open the store, look up 2,000 files' certifications, record
// 2,000 new ones. Figures go to stdout and .bench/results-store.json.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const key = (i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 40);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function run({ WORK, ROOT }) {
  const lib = await import(join(ROOT, 'dist', 'index.mjs'));
  const sizes = (process.env.BENCH_STORE_SIZES ?? '0,1000000,3000000').split(',').map(Number);
  const results = [];
  for (const size of sizes) {
    const dir = join(WORK, `store-${size}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let store = await lib.openStore({ dir });
    const batch = 20_000;
    for (let i = 0; i < size; i += batch) await store.putCerts('q/lint', Array.from({ length: Math.min(batch, size - i) }, (_, j) => key(i + j)), Date.now());
    await store.close();
    const open = [], get = [], put = [];
    for (let r = 0; r < 15; r++) {
      let s = performance.now();
      store = await lib.openStore({ dir });
      open.push(performance.now() - s);
      // Lookups of 2,000 files: half stored (spread over the table), half not.
      const keys = Array.from({ length: 2000 }, (_, j) => key(j % 2 ? size + r * 1e7 + j : Math.floor((j / 2000) * size)));
      s = performance.now();
      const found = await store.getCerts(keys);
      get.push(performance.now() - s);
      if (size && found.size < 900) throw new Error(`expected ~1000 hits, got ${found.size}`);
      s = performance.now();
      await store.putCerts('q/lint', keys, Date.now());
      put.push(performance.now() - s);
      await store.close();
    }
    const bytes = statSync(join(dir, 'state.sqlite')).size;
    const row = { certifications: size, openMs: median(open), get2000Ms: median(get), put2000Ms: median(put), fileMB: bytes / 1e6 };
    results.push(row);
    console.log(`${String(size).padStart(9)} certs: open ${row.openMs.toFixed(1)} ms, look up 2,000 ${row.get2000Ms.toFixed(1)} ms, record 2,000 ${row.put2000Ms.toFixed(1)} ms, file ${row.fileMB.toFixed(0)} MB`);
  }
  writeFileSync(join(WORK, 'results-store.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
  return results;
}
