// `npm run bench -- --miss`: what a run costs when the index or one file changed
// since the last run (a miss: every new commit), against the same run when
// nothing changed (a hit), `git status` and `node -e 0`, in one interleaved loop.
// For 10k, 50k and 100k files (BENCH_MISS_SIZES), the repository and checks of
// `--scale`. Each round:
//   1. edits one tracked file (not staged) and times `heph run --fast` (miss),
//      then again (hit); the edit is then staged;
//   2. edits and stages another file (a new index) and times
//      `heph hook run pre-commit` (miss), then again (hit).
// Only the heph commands are timed; `node -e 0` and `git status --porcelain`
// are timed in the same rounds. BENCH_BASELINE_CLI=<another build's dist/cli.cjs,
// copied under .bench/> times that build beside this one (its own state folder:
// both see every change for the first time), the two in alternating order.
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { scaleRepo } from './bench-scale.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function run({ WORK, CLI, env, makeRepo, git }) {
  const sizes = (process.env.BENCH_MISS_SIZES ?? '10000,50000,100000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 11);
  const node = process.execPath;
  const baseline = process.env.BENCH_BASELINE_CLI;
  const builds = [{ name: 'heph', cli: CLI, env }, ...(baseline ? [{ name: 'baseline', cli: baseline, env: { ...env, HEPH_HOME: '' } }] : [])];
  const rows = [];
  for (const n of sizes) {
    const dir = scaleRepo({ makeRepo, git }, join(WORK, `repo-miss-${n}`), n);
    if (baseline) builds[1].env.HEPH_HOME = join(dir, '.git', 'heph-baseline');
    const exec = (b, args) => {
      const s = performance.now();
      const r = spawnSync(node, [b.cli, ...args], { cwd: dir, env: b.env, encoding: 'utf8' });
      const t = performance.now() - s;
      if (r.status !== 0) throw new Error(`${b.name} ${args.join(" ")} exited ${r.status}: ${r.stdout}${r.stderr}`);
      if (/SQLite driver could not be loaded/.test(r.stderr)) throw new Error(`${b.cli} runs without its store: use a copy inside the project (.bench/)`);
      return t;
    };
    const timeOf = (argv) => {
      const s = performance.now();
      spawnSync(argv[0], argv.slice(1), { cwd: dir, env, stdio: 'ignore' });
      return performance.now() - s;
    };
    for (const b of builds) {
      exec(b, ['run']);
      exec(b, ['hook', 'run', 'pre-commit']);
    }
    // A tracked .py file (the per-file lint check's and the everything check's input) and a .ts file.
    const pyFile = join(dir, 'src', 'd1', 'e1', 'file1.py');
    const tsFile = join(dir, 'src', 'd0', 'e0', 'file0.ts');
    const t = {};
    const add = (k, v) => (t[k] ??= []).push(v);
    for (let i = 0; i < runs + 1; i++) {
      const keep = i > 0; // the first round warms the page cache
      const order = i % 2 ? [...builds].reverse() : builds;
      const nodeT = timeOf([node, '-e', '0']);
      const gs = timeOf(['git', 'status', '--porcelain']);
      writeFileSync(pyFile, `# round ${i} ${Date.now()}\n`);
      const runMiss = {};
      const runHit = {};
      const runPlan = {};
      // A dry run writes nothing: it plans the miss (no check runs, nothing is put aside) and leaves it a miss.
      for (const b of order) runPlan[b.name] = exec(b, ['run', '--fast', '--dry-run']);
      for (const b of order) runMiss[b.name] = exec(b, ['run', '--fast']);
      for (const b of order) runHit[b.name] = exec(b, ['run', '--fast']);
      git(dir, 'add', pyFile);
      writeFileSync(tsFile, `// round ${i} ${Date.now()}\n`);
      git(dir, 'add', tsFile);
      const preMiss = {};
      const preHit = {};
      const prePlan = {};
      for (const b of order) prePlan[b.name] = exec(b, ['hook', 'run', 'pre-commit', '--dry-run']);
      for (const b of order) preMiss[b.name] = exec(b, ['hook', 'run', 'pre-commit']);
      for (const b of order) preHit[b.name] = exec(b, ['hook', 'run', 'pre-commit']);
      if (!keep) continue;
      add('node', nodeT);
      add('gitStatus', gs);
      for (const b of builds) {
        add(`${b.name}RunMiss`, runMiss[b.name]);
        add(`${b.name}RunHit`, runHit[b.name]);
        add(`${b.name}PreMiss`, preMiss[b.name]);
        add(`${b.name}PreHit`, preHit[b.name]);
        add(`${b.name}RunPlan`, runPlan[b.name]);
        add(`${b.name}PrePlan`, prePlan[b.name]);
      }
      if (baseline) {
        add('runMissRatio', runMiss.heph / runMiss.baseline);
        add('preMissRatio', preMiss.heph / preMiss.baseline);
        add('runPlanRatio', runPlan.heph / runPlan.baseline);
        add('prePlanRatio', prePlan.heph / prePlan.baseline);
      }
      add('runPlanOverGs', (runPlan.heph - nodeT) / gs);
      add('prePlanOverGs', (prePlan.heph - nodeT) / gs);
      // Per-round ratios: the load on a shared machine moves between rounds, less within one.
      add('runMissOverGs', (runMiss.heph - nodeT) / gs);
      add('preMissOverGs', (preMiss.heph - nodeT) / gs);
      add('runMissOverHit', runMiss.heph / runHit.heph);
      add('preMissOverHit', preMiss.heph / preHit.heph);
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
    rows.push({ files: n, ...m });
    const f = (x) => x.toFixed(1);
    const r = (x) => x.toFixed(2);
    console.log(
      `${String(n).padStart(7)} files: node ${f(m.node)} ms, git status ${f(m.gitStatus)} ms; ` +
        `run --fast miss ${f(m.hephRunMiss)} / hit ${f(m.hephRunHit)} ms (miss−node ${r(m.runMissOverGs)}× git status, miss/hit ${r(m.runMissOverHit)}); ` +
        `pre-commit miss ${f(m.hephPreMiss)} / hit ${f(m.hephPreHit)} ms (miss−node ${r(m.preMissOverGs)}× git status, miss/hit ${r(m.preMissOverHit)}); ` +
        `planning a miss (--dry-run): run ${f(m.hephRunPlan)} ms (−node ${r(m.runPlanOverGs)}× git status), pre-commit ${f(m.hephPrePlan)} ms (−node ${r(m.prePlanOverGs)}× git status)` +
        (baseline
          ? `; baseline run miss ${f(m.baselineRunMiss)} / hit ${f(m.baselineRunHit)} / plan ${f(m.baselineRunPlan)}, pre-commit miss ${f(m.baselinePreMiss)} / hit ${f(m.baselinePreHit)} / plan ${f(m.baselinePrePlan)} ms; this/baseline: miss run ${r(m.runMissRatio)}, pre-commit ${r(m.preMissRatio)}; plan run ${r(m.runPlanRatio)}, pre-commit ${r(m.prePlanRatio)}`
          : ''),
    );
  }
  writeFileSync(join(WORK, 'results-miss.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, baseline: baseline ?? null, rows }, null, 2));
  return rows;
}
