// `npm test`: builds the CLI bundle and the TypeScript sources, then runs every
// uvu suite (unit, integration, e2e), a few files at a time, and ends with a
// plain "N passed, N failed" line. Exits non-zero on any failure, including a
// build or type error. `node scripts/test.mjs FILTER` runs the files whose path
// contains FILTER; HEPH_TEST_JOBS sets how many files run at once (default:
// the number of CPUs, at least 2: most of a suite's time is spent waiting on git).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const step = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

step(process.execPath, ['scripts/build.mjs']);
step(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);

const filter = process.argv[2] ?? '';
const files = [];
const walk = (dir) => {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.js') && p.includes(filter)) files.push(p);
  }
};
walk('build/test');

/** Runs one suite file; resolves with its counts and output. */
function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], { env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('close', (code) => {
      const out = Buffer.concat(chunks).toString('utf8');
      const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
      const total = num('Total');
      const p = num('Passed');
      const s = num('Skipped');
      // A file whose every test was skipped (a service it needs is absent, outside CI) reports
      // no total: it counts as one skip, never as a pass.
      const allSkipped = code === 0 && total === 0 && /skip/i.test(out);
      // uvu counts skipped tests apart from its Total.
      const ok = allSkipped || (code === 0 && total > 0 && p === total);
      resolve({ file, out, ok, total, passed: p, skipped: allSkipped ? 1 : s, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const jobs = Math.max(1, Number(process.env.HEPH_TEST_JOBS) || Math.max(2, availableParallelism()));
// End-to-end suites pack the package, whose `prepare` rebuilds dist/: they run
// alone, after every suite that uses dist/.
const isolated = (f) => /[\\/]e2e[\\/]/.test(f);
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
async function runAll(list, width) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, list.length) }, async () => {
      while (next < list.length) report(await runFile(list[next++]));
    }),
  );
}

function report(r) {
  passed += r.passed;
  skipped += r.skipped;
  failed += r.ok ? 0 : Math.max(1, r.total - r.passed);
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file} (${r.passed}/${r.total}, ${r.seconds.toFixed(1)} s)`);
  if (!r.ok) {
    failures.push(r.file);
    console.log(r.out);
  }
}

await runAll(files.filter((f) => !isolated(f)), jobs);
await runAll(files.filter(isolated), 1);
console.log(`\n${failures.length ? `failed files: ${failures.join(', ')}\n` : ''}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed || !files.length ? 1 : 0);
