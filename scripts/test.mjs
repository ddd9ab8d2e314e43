// `npm test`: builds the CLI bundle and the TypeScript sources, then runs every
// uvu suite (unit, integration, e2e) and ends with a plain "N passed, N failed"
// line. Exits non-zero on any failure, including a build or type error.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of files) {
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
  const total = num('Total');
  const p = num('Passed');
  const s = num('Skipped');
  // uvu's Total counts the tests that ran: skipped ones are not in it.
  const ok = r.status === 0 && total > 0 && p === total;
  passed += p;
  skipped += s;
  failed += ok ? 0 : Math.max(1, total - p - s);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file} (${p}/${total})`);
  if (!ok) {
    failures.push(file);
    console.log(out);
  }
}
console.log(`\n${failures.length ? `failed files: ${failures.join(', ')}\n` : ''}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed || !files.length ? 1 : 0);
