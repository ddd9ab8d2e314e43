// The pre-commit hook path on a 2,000-file repository with 5 staged files and
// one check over the staged *.txt files: heph uncached (state removed before
// each run), heph cached (replayed: docs/caching.md, and with HEPH_REPLAY=0 the
// full cached run), `node -e 0`, and lefthook's Go binary run the way its
// installed hook calls it (installed with `npm i lefthook` into .bench/ when the
// registry is reachable). Called by `npm run bench -- --hooks`.
// BENCH_BASELINE_CLI=<another build's dist/cli.cjs, copied under .bench/> adds
// one interleaved loop (each command in turn, round after round): `node -e 0`,
// this build's and that build's cached pre-commit, each build with its own
// state folder; medians, and the median of the per-round ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

function lefthookBinary(WORK, env) {
  const dir = join(WORK, 'lefthook');
  const bin = join(dir, 'node_modules', `lefthook-${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}`, 'bin', 'lefthook');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"bench-lefthook","private":true}');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'lefthook'], { cwd: dir, env, stdio: 'ignore' });
  return r.status === 0 && existsSync(bin) ? bin : null;
}

export async function run({ time, makeRepo, git, WORK, CLI, env }) {
  const dir = makeRepo(join(WORK, 'repo-hooks-2k'), 2000, [{ name: 'txt', run: 'cat {files}', files: ['*.txt'] }]);
  const old = new Date(Date.now() - 3600_000);
  for (let i = 0; i < 5; i++) {
    const f = join(dir, `staged-${i}.txt`);
    writeFileSync(f, `staged ${i}\n`);
    utimesSync(f, old, old);
  }
  writeFileSync(join(dir, 'decoy.md'), '# not a txt\n');
  git(dir, 'add', '-A');
  writeFileSync(join(dir, 'lefthook.yml'), 'pre-commit:\n  commands:\n    txt:\n      glob: "*.txt"\n      run: cat {staged_files}\n');
  const heph = `${process.execPath} ${CLI} hook run pre-commit`;
  execFileSync(process.execPath, [CLI, 'hook', 'run', 'pre-commit'], { cwd: dir, env, stdio: 'ignore' });
  const commands = [
    { name: 'node -e 0', cmd: `${process.execPath} -e 0` },
    { name: 'heph hook run pre-commit (cached)', cmd: heph },
    // Through env(1): hyperfine sets no variable per command (the exec of env costs ~0.5 ms).
    { name: 'heph pre-commit (cached, HEPH_REPLAY=0)', cmd: `/usr/bin/env HEPH_REPLAY=0 ${heph}` },
  ];
  const lefthook = lefthookBinary(WORK, env);
  if (lefthook) commands.push({ name: 'lefthook run pre-commit', cmd: `${lefthook} run pre-commit --no-tty` });
  const results = time(dir, commands);
  results.push(...time(dir, [{ name: 'heph hook run pre-commit (uncached)', cmd: heph }], { prepare: `rm -rf ${join(dir, '.git', 'heph')}` }));
  const base = results[0].median;
  console.log(`\npre-commit: 2,000 tracked files, 5 staged .txt files and a staged .md; one check over the staged .txt files\n`);
  for (const r of results) console.log(`${r.name.padEnd(44)} median ${r.median.toFixed(1).padStart(7)} ms   ${(r.median / base).toFixed(2)}× node`);
  if (!lefthook) console.log('(lefthook not measured: it could not be installed)');
  if (process.env.BENCH_BASELINE_CLI) results.push(...againstBaseline(dir, CLI, process.env.BENCH_BASELINE_CLI, env));
  return results;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The cached pre-commit of this build and of `baseline`, interleaved with `node -e 0`. */
function againstBaseline(dir, CLI, baseline, env) {
  const runs = Number(process.env.BENCH_RUNS ?? 40);
  const node = process.execPath;
  const baseEnv = { ...env, HEPH_HOME: join(dir, '.git', 'heph-baseline') };
  const first = spawnSync(node, [baseline, 'hook', 'run', 'pre-commit'], { cwd: dir, env: baseEnv, encoding: 'utf8' });
  // A build outside the project finds no SQLite driver and would run the check every time.
  if (/SQLite driver could not be loaded/.test(first.stderr)) throw new Error(`${baseline} runs without its store: use a copy inside the project (.bench/)`);
  const commands = [
    { name: 'node -e 0', argv: [node, '-e', '0'], env },
    { name: 'heph pre-commit (cached)', argv: [node, CLI, 'hook', 'run', 'pre-commit'], env },
    { name: 'baseline pre-commit (cached)', argv: [node, baseline, 'hook', 'run', 'pre-commit'], env: baseEnv },
    { name: 'heph pre-commit (cached, HEPH_REPLAY=0)', argv: [node, CLI, 'hook', 'run', 'pre-commit'], env: { ...env, HEPH_REPLAY: '0' } },
  ];
  const times = commands.map(() => []);
  for (let i = 0; i < runs + 3; i++) {
    commands.forEach((c, k) => {
      const s = performance.now();
      const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: dir, env: c.env, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${c.argv.join(' ')} exited ${r.status}`);
      if (i >= 3) times[k].push(performance.now() - s);
    });
  }
  const [n, cur, base, full] = times.map(median);
  const pairs = median(times[1].map((t, i) => t / times[2][i]));
  const perRound = (k) => median(times[k].map((t, i) => t / times[0][i])).toFixed(2);
  console.log(`\ninterleaved, ${runs} rounds, against ${baseline}:`);
  console.log(`node -e 0 ${n.toFixed(1)} ms; this build ${cur.toFixed(1)} ms (${(cur / n).toFixed(2)}× node, per round ${perRound(1)}); baseline ${base.toFixed(1)} ms (${(base / n).toFixed(2)}× node); this / baseline, median of rounds: ${pairs.toFixed(3)}`);
  console.log(`this build with HEPH_REPLAY=0 ${full.toFixed(1)} ms (${(full / n).toFixed(2)}× node, per round ${perRound(3)})`);
  return commands.map((c, k) => ({ name: `interleaved: ${c.name}`, median: median(times[k]), min: Math.min(...times[k]), max: Math.max(...times[k]) }));
}
