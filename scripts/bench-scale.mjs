// `npm run bench -- --scale`: heph's own cost against the repository's size.
// For 1k, 10k, 50k and 100k files (BENCH_SCALE_SIZES), one interleaved loop
// times `node -e 0`, `git status`, a warm `heph run --fast` (everything cached)
// and a cached pre-commit (5 staged files, already certified) right after it
// (the run's history changed the store, so it runs in full), then the same
// pre-commit again (replayed); medians, and the differences to `node -e 0` as
// multiples of `git status`'s.
// BENCH_BASELINE_CLI=<another build's dist/cli.cjs> times that build too, in
// the same loop, with its own state folder (HEPH_HOME).
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Times each command in turn, round after round, so load on the machine hits them alike. */
function interleaved(cwd, env, commands, runs) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    commands.forEach(({ argv, extraEnv }, k) => {
      const s = performance.now();
      const r = spawnSync(argv[0], argv.slice(1), { cwd, env: extraEnv ? { ...env, ...extraEnv } : env, stdio: 'ignore' });
      const t = performance.now() - s;
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
      if (i >= 2) times[k].push(t);
    });
  }
  return commands.map((c, k) => ({ name: c.name, median: median(times[k]), min: Math.min(...times[k]) }));
}

/**
 * A repository of `n` files with the scale loop's five checks (inputs `**\/*.ts`, a per-file check over
 * `**\/*.py`, inputs `**\/*.md`, every file, a per-file check over `*.txt`) and five staged `.txt` files,
 * dated back like the rest. The miss benchmark (bench-miss.mjs) uses the same.
 */
export function scaleRepo({ makeRepo, git }, dir, n) {
  makeRepo(dir, n, [
    { name: 'types', run: 'true', inputs: ['**/*.ts'] },
    { name: 'lint', run: 'true {files}', files: ['**/*.py'] },
    { name: 'docs', run: 'true', inputs: ['**/*.md'] },
    { name: 'all', run: 'true' },
    { name: 'staged', run: 'true {files}', files: ['*.txt'] },
  ]);
  const old = new Date(Date.now() - 3600_000);
  for (let i = 0; i < 5; i++) {
    const f = join(dir, `staged-${i}.txt`);
    writeFileSync(f, `staged ${i}\n`);
    utimesSync(f, old, old);
  }
  git(dir, 'add', '-A');
  return dir;
}

export async function run({ WORK, CLI, env, makeRepo, git }) {
  const sizes = (process.env.BENCH_SCALE_SIZES ?? '1000,10000,50000,100000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const rows = [];
  for (const n of sizes) {
    const dir = scaleRepo({ makeRepo, git }, join(WORK, `repo-scale-${n}`), n);
    const node = process.execPath;
    execFileSync(node, [CLI, 'run'], { cwd: dir, env, stdio: 'ignore' });
    execFileSync(node, [CLI, 'hook', 'run', 'pre-commit'], { cwd: dir, env, stdio: 'ignore' });
    const baseline = process.env.BENCH_BASELINE_CLI;
    const baseEnv = { HEPH_HOME: join(dir, '.git', 'heph-baseline') };
    if (baseline) {
      const first = spawnSync(node, [baseline, 'run'], { cwd: dir, env: { ...env, ...baseEnv }, encoding: 'utf8' });
      // A build outside the project finds no SQLite driver and would run every check, uncached.
      if (/SQLite driver could not be loaded/.test(first.stderr)) throw new Error(`${baseline} runs without its store: use a copy inside the project (.bench/)`);
      execFileSync(node, [baseline, 'hook', 'run', 'pre-commit'], { cwd: dir, env: { ...env, ...baseEnv }, stdio: 'ignore' });
    }
    const res = interleaved(dir, env, [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      { name: 'git status', argv: ['git', 'status', '--porcelain'] },
      { name: 'heph run --fast (warm)', argv: [node, CLI, 'run', '--fast'] },
      // Right after run --fast, which wrote its history to the store: the full cached run (it records again).
      { name: 'heph pre-commit (cached)', argv: [node, CLI, 'hook', 'run', 'pre-commit'] },
      // The same once more: nothing changed since, so it is replayed (docs/caching.md).
      { name: 'heph pre-commit (cached, replayed)', argv: [node, CLI, 'hook', 'run', 'pre-commit'] },
      ...(baseline
        ? [
            { name: 'baseline run --fast (warm)', argv: [node, baseline, 'run', '--fast'], extraEnv: baseEnv },
            { name: 'baseline pre-commit (cached)', argv: [node, baseline, 'hook', 'run', 'pre-commit'], extraEnv: baseEnv },
          ]
        : []),
    ], runs);
    const [base, gs, fast, pre, replay, bFast, bPre] = res.map((r) => r.median);
    const row = { files: n, nodeMs: base, gitStatusMs: gs, runFastMs: fast, preCommitMs: pre, replayMs: replay, ...(baseline ? { baselineRunFastMs: bFast, baselinePreCommitMs: bPre } : {}) };
    rows.push(row);
    console.log(
      `${String(n).padStart(7)} files: node ${base.toFixed(1)} ms, git status ${gs.toFixed(1)} ms (${(gs / base).toFixed(2)}×), ` +
        `run --fast ${fast.toFixed(1)} ms (${(fast / base).toFixed(2)}×, −node = ${((fast - base) / gs).toFixed(2)}× git status), ` +
        `pre-commit ${pre.toFixed(1)} ms (${(pre / base).toFixed(2)}×, −node = ${((pre - base) / gs).toFixed(2)}× git status), ` +
        `replayed ${replay.toFixed(1)} ms (${(replay / base).toFixed(2)}×, −node = ${((replay - base) / gs).toFixed(2)}× git status)` +
        (baseline ? `; baseline run --fast ${(bFast / base).toFixed(2)}×, pre-commit ${(bPre / base).toFixed(2)}×` : ''),
    );
  }
  writeFileSync(join(WORK, 'results-scale.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, rows }, null, 2));
  return rows;
}
