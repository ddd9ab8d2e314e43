// A built-in check against the same check spawned as a process: trailing
// whitespace over every file of a 2,000-file repository, in `heph run` (full
// mode, so the check runs each time). The spawned versions do what the built-in
// does, in Python (as pre-commit-hooks' hook would) and in Node.
// Run: node scripts/bench-builtins.mjs (after npm run build). Figures: docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeRepo, time } from './bench.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.cjs');
const WORK = join(ROOT, '.bench');
const FILES = Number(process.env.BENCH_FILES ?? 2000);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

const PY = `import sys, re
bad = 0
for p in sys.argv[1:]:
    data = open(p, 'rb').read()
    if b'\\0' in data[:8000]: continue
    for i, line in enumerate(data.split(b'\\n'), 1):
        if re.search(rb'[ \\t]+\\r?$', line): print(f'{p}:{i}: trailing whitespace'); bad += 1
sys.exit(1 if bad else 0)
`;
const JS = `const fs = require('fs'); let bad = 0;
for (const p of process.argv.slice(2)) {
  const t = fs.readFileSync(p, 'latin1');
  if (t.slice(0, 8000).includes('\\0')) continue;
  t.split('\\n').forEach((l, i) => { if (/[ \\t]+\\r?$/.test(l)) { console.log(p + ':' + (i + 1) + ': trailing whitespace'); bad++; } });
}
process.exit(bad ? 1 : 0);
`;

mkdirSync(WORK, { recursive: true });
const tools = join(WORK, 'ws-tools');
mkdirSync(tools, { recursive: true });
writeFileSync(join(tools, 'ws.py'), PY);
writeFileSync(join(tools, 'ws.cjs'), JS);
const dir = makeRepo(join(WORK, 'repo-builtins'), FILES, [
  { name: 'builtin', run: 'heph:trailing-whitespace', files: ['*'] },
  { name: 'python', run: `python3 ${join(tools, 'ws.py')} {files}`, files: ['*'] },
  { name: 'node', run: `${process.execPath} ${join(tools, 'ws.cjs')} {files}`, files: ['*'] },
]);
const heph = (only) => `${process.execPath} ${CLI} run --only ${only}`;
execFileSync(process.execPath, [CLI, 'run'], { cwd: dir, env, stdio: 'ignore' });
const results = time(dir, [
  { name: 'node -e 0', cmd: `${process.execPath} -e 0` },
  { name: 'heph run: heph:trailing-whitespace', cmd: heph('builtin') },
  { name: 'heph run: same check in node, spawned', cmd: heph('node') },
  { name: 'heph run: same check in python3, spawned', cmd: heph('python') },
], { runs: Number(process.env.BENCH_RUNS ?? 20) });
const print = (title, rs) => {
  const base = results[0].median;
  console.log(`\n${title}; node ${process.version}\n`);
  for (const r of rs) console.log(`${r.name.padEnd(48)} median ${r.median.toFixed(1).padStart(7)} ms   ${(r.median / base).toFixed(2)}× node -e 0   ${(r.median / rs[0].median).toFixed(2)}× built-in`);
};
print(`trailing whitespace over ${FILES} files, heph run (full mode)`, results.slice(1));

// A commit: five staged files, nothing cached (the state is removed before each run).
for (let i = 0; i < 5; i++) writeFileSync(join(dir, `staged-${i}.txt`), `staged ${i}\n`);
execFileSync('git', ['add', '-A'], { cwd: dir });
const hook = (only) => `${process.execPath} ${CLI} hook run pre-commit --only ${only}`;
const commit = time(dir, [
  { name: 'pre-commit: heph:trailing-whitespace', cmd: hook('builtin') },
  { name: 'pre-commit: same check in node, spawned', cmd: hook('node') },
  { name: 'pre-commit: same check in python3, spawned', cmd: hook('python') },
], { runs: Number(process.env.BENCH_RUNS ?? 20), prepare: `rm -rf ${join(dir, '.git', 'heph')}` });
print('pre-commit, 5 staged files, uncached', commit);
