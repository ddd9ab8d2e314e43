// `npm run bench`: startup and cache figures on a generated 10,000-file
// repository, timed with hyperfine when installed (a node timing loop
// otherwise). Results go to stdout and to .bench/results.json; the figures in
// docs/benchmarks.md come from this script.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.cjs');
const WORK = join(ROOT, '.bench');
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // adds ~28 ms to every Node 20 start; users rarely set it
for (const k of Object.keys(env)) if (k.startsWith('HEPH')) delete env[k];

if (!existsSync(CLI)) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: { ...env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
}

/** A repository of `n` files in nested folders, committed, with dates set back (see the racy-git note). */
export function makeRepo(dir, n, checks) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  const old = new Date(Date.now() - 3600_000);
  for (let i = 0; i < n; i++) {
    const sub = join(dir, 'src', `d${i % 50}`, `e${i % 7}`);
    mkdirSync(sub, { recursive: true });
    const ext = ['ts', 'py', 'md', 'json', 'txt'][i % 5];
    const f = join(sub, `file${i}.${ext}`);
    writeFileSync(f, `// file ${i}\n${'x'.repeat(200 + (i % 1000))}\n`);
    utimesSync(f, old, old);
  }
  writeFileSync(join(dir, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks }] }, null, 2));
  utimesSync(join(dir, '.heph.json'), old, old);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'bench');
  git(dir, 'update-index', '--refresh');
  return dir;
}

function hyperfineAvailable() {
  return spawnSync('hyperfine', ['--version']).status === 0;
}

/** Times commands; returns median/mean/min/max in ms for each. */
export function time(cwd, commands, { runs = RUNS, prepare } = {}) {
  if (hyperfineAvailable()) {
    const out = join(WORK, `hf-${Date.now()}.json`);
    const args = ['-N', '--warmup', '3', '--runs', String(runs), '--export-json', out, ...(prepare ? ['--prepare', prepare] : [])];
    const r = spawnSync('hyperfine', [...args, ...commands.map((c) => c.cmd)], { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
    const data = JSON.parse(readFileSync(out, 'utf8'));
    return data.results.map((res, i) => ({ name: commands[i].name, median: res.median * 1e3, mean: res.mean * 1e3, min: res.min * 1e3, max: res.max * 1e3 }));
  }
  return commands.map(({ name, cmd }) => {
    const [bin, ...args] = cmd.split(' ');
    const t = [];
    for (let i = 0; i < runs + 3; i++) {
      if (prepare) spawnSync('sh', ['-c', prepare], { cwd, env });
      const s = performance.now();
      spawnSync(bin, args, { cwd, env });
      if (i >= 3) t.push(performance.now() - s);
    }
    t.sort((a, b) => a - b);
    return { name, median: t[t.length >> 1], mean: t.reduce((a, b) => a + b, 0) / t.length, min: t[0], max: t[t.length - 1] };
  });
}

/** Fingerprinting cost alone: snapshot + digest of every check's inputs, in-process. */
async function fingerprintCost(dir, runs = 30) {
  const lib = await import(join(ROOT, 'dist', 'index.mjs'));
  const config = lib.loadConfig(join(dir, '.heph.json'));
  const checks = config.phases.flatMap((p) => p.checks);
  const t = [];
  for (let i = 0; i < runs + 3; i++) {
    const s = performance.now();
    const snap = await lib.readSnapshot({ root: dir, source: 'worktree' });
    const hasher = new lib.InputHasher(snap);
    for (const c of checks) lib.fingerprint(c, hasher, process.env, 'linux/x64', null);
    if (i >= 3) t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { name: `fingerprint ${FILES} files (in-process)`, median: t[t.length >> 1], min: t[0], max: t[t.length - 1] };
}

const fmt = (r) => `${r.name.padEnd(44)} median ${r.median.toFixed(1).padStart(7)} ms   min ${r.min.toFixed(1).padStart(7)}   max ${r.max.toFixed(1).padStart(7)}`;

async function main() {
  mkdirSync(WORK, { recursive: true });
  if (process.argv.includes('--hooks-only')) return runHooks();
  if (process.argv.includes('--store')) return (await import('./bench-store.mjs')).run({ WORK, ROOT });
  if (process.argv.includes('--miss')) return (await import('./bench-miss.mjs')).run({ WORK, ROOT, CLI, env, makeRepo, git });
  if (process.argv.includes('--scale')) return (await import('./bench-scale.mjs')).run({ WORK, ROOT, CLI, env, makeRepo, git });
  if (process.argv.includes('--workload')) return (await import('./bench-workload.mjs')).run(process.argv.slice(2));
  const dir = makeRepo(join(WORK, 'repo-10k'), FILES, [
    { name: 'types', run: 'true', inputs: ['**/*.ts'] },
    { name: 'lint', run: 'true', files: ['**/*.py'] },
    { name: 'docs', run: 'true', inputs: ['**/*.md'] },
    { name: 'all', run: 'true' },
    { name: 'env', run: 'true', env: ['HOME'], inputs: ['.heph.json'] },
  ]);
  const heph = `${process.execPath} ${CLI}`;
  execFileSync(process.execPath, [CLI, 'run'], { cwd: dir, env, stdio: 'ignore' });
  const results = time(dir, [
    { name: 'node -e 0', cmd: `${process.execPath} -e 0` },
    { name: 'heph --version', cmd: `${heph} --version` },
    { name: 'heph run --fast (warm, all cached)', cmd: `${heph} run --fast` },
  ]);
  results.push(...time(dir, [{ name: 'heph run (cold: state cleared)', cmd: `${heph} run` }], { runs: 10, prepare: `rm -rf ${join(dir, '.git', 'heph')}` }));
  results.push(await fingerprintCost(dir));
  const base = results[0].median;
  console.log(`\nrepository: ${FILES} files, 5 checks; ${RUNS} runs each; node ${process.version}\n`);
  for (const r of results) console.log(`${fmt(r)}   ${(r.median / base).toFixed(2)}× node`);
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, files: FILES, results }, null, 2));
  if (process.argv.includes('--hooks') || process.env.BENCH_HOOKS) await runHooks();
}

async function runHooks() {
  const { run } = await import('./bench-hooks.mjs');
  const results = await run({ time, makeRepo, git, WORK, CLI, env });
  writeFileSync(join(WORK, 'results-hooks.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
