#!/usr/bin/env node
// A commit touching one member of a generated monorepo (20 members, 50,000
// files) against the same commit in a repository holding only that member.
// Each round stages a one-line change to the member's file in both
// repositories and times `heph hook run pre-commit` in each, interleaved
// (one order, then the reverse), so machine load hits both alike. The
// figure is the median of the per-round ratios. Where /proc is readable, the
// CPU time of each hook (heph and the git processes it waits for) is summed
// over the rounds too: on a loaded machine it says what wall times cannot.
// `--baseline CLI` times another build in the same rounds (each hook of one
// round, both builds, interleaved), so two builds compare under the same load.
//
//   env -u NODE_EXTRA_CA_CERTS node scripts/bench-monorepo.mjs [--rounds 15] [--members 20] [--files 50000] [--cli .bench/dist-copy/cli.cjs] [--baseline .bench/before/cli.cjs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 15);
const MEMBERS = arg('members', 20);
const FILES = arg('files', 50_000);
const path = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? resolve(process.argv[i + 1]) : def;
};
const CLI = path('cli', resolve('dist/cli.cjs'));
const BASELINE = path('baseline', null);
// Each build, named as printed: the one measured, and the one it is compared with.
const BUILDS = [{ name: '', cli: CLI }, ...(BASELINE ? [{ name: ' (baseline)', cli: BASELINE }] : [])];
const WORK = join(tmpdir(), 'heph-bench-monorepo');
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', NO_COLOR: '1' };
for (const k of Object.keys(env)) if (k.startsWith('HEPH')) delete env[k];
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });

const memberConfig = {
  phases: [
    {
      name: 'quality',
      checks: [
        { name: 'lint', run: 'true {files}', files: ['*.js'] },
        { name: 'unit', run: 'true', inputs: ['src/**', 'package.json', '../../package-lock.json'] },
      ],
    },
  ],
};

function writeMember(dir, i, perMember) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `{ "name": "m${i}" }\n`);
  writeFileSync(join(dir, '.heph.json'), JSON.stringify(memberConfig));
  for (let f = 0; f < perMember - 2; f++) {
    const sub = join(dir, 'src', `d${f % 50}`);
    if (f < 50) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${f}.js`), `export const v${f} = ${f};\n`);
  }
}

function init(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
}

function setup() {
  const perMember = Math.floor(FILES / MEMBERS);
  const mono = join(WORK, 'mono');
  init(mono);
  writeFileSync(join(mono, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'readme', run: 'true', files: ['*.md'] }] }] }));
  writeFileSync(join(mono, 'package-lock.json'), '{}\n');
  writeFileSync(join(mono, 'README.md'), '# mono\n');
  for (let i = 0; i < MEMBERS; i++) writeMember(join(mono, 'packages', `m${String(i).padStart(2, '0')}`), i, perMember);
  git(mono, 'add', '-A');
  git(mono, 'commit', '-q', '-m', 'init');
  // The same member as a repository of its own: its config is the root one, the lockfile beside it.
  const single = join(WORK, 'single');
  init(single);
  writeMember(single, 0, perMember);
  writeFileSync(join(single, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'lint', run: 'true {files}', files: ['*.js'] }, { name: 'unit', run: 'true', inputs: ['src/**', 'package.json', 'package-lock.json'] }] }] }));
  writeFileSync(join(single, 'package-lock.json'), '{}\n');
  git(single, 'add', '-A');
  git(single, 'commit', '-q', '-m', 'init');
  // The same 50,000 files with no members: the member's checks in the root config (cwd and globs
  // pointing at it). Tells what the repository's size costs apart from members.
  const flat = join(WORK, 'flat');
  rmSync(flat, { recursive: true, force: true });
  git(WORK, 'clone', '-q', mono, flat);
  git(flat, 'rm', '-q', '--', ...Array.from({ length: MEMBERS }, (_, i) => `packages/m${String(i).padStart(2, '0')}/.heph.json`));
  const m = 'packages/m00';
  writeFileSync(join(flat, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'lint', run: 'true {files}', files: [`${m}/**/*.js`], cwd: m }, { name: 'unit', run: 'true', cwd: m, inputs: [`${m}/src/**`, `${m}/package.json`, 'package-lock.json'] }] }] }));
  git(flat, 'add', '-A');
  git(flat, 'commit', '-q', '-m', 'flat');
  return [
    { name: 'flat', dir: flat, file: join(flat, m, 'src', 'd1', 'f1.js'), files: Number(git(flat, 'ls-files').toString().split('\n').length - 1) },
    { name: 'monorepo', dir: mono, file: join(mono, 'packages', 'm00', 'src', 'd1', 'f1.js'), files: Number(git(mono, 'ls-files').toString().split('\n').length - 1) },
    { name: 'single member', dir: single, file: join(single, 'src', 'd1', 'f1.js'), files: Number(git(single, 'ls-files').toString().split('\n').length - 1) },
  ];
}

/** CPU seconds of the children this process has waited for (user + system, from /proc), or null. */
function childrenCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks (100 a second on Linux)
  } catch {
    return null;
  }
}

const cpu = new Map();
// New content for every hook: the checks always run (a content seen before would be cached).
let edits = 0;

function hook(repo, round, build = BUILDS[0]) {
  writeFileSync(repo.file, `export const v1 = ${edits++};\n`);
  git(repo.dir, 'add', repo.file);
  const key = repo.name + build.name;
  const c0 = childrenCpu();
  const t = performance.now();
  const r = spawnSync(process.execPath, [build.cli, 'hook', 'run', 'pre-commit'], { cwd: repo.dir, env, encoding: 'utf8' });
  const ms = performance.now() - t;
  const c1 = childrenCpu();
  if (c0 !== null && c1 !== null && round >= 0 && round < ROUNDS) cpu.set(key, (cpu.get(key) ?? 0) + (c1 - c0));
  if (r.status !== 0) throw new Error(`${key}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  // A bundle copied outside the project finds no SQLite driver: it would be timed without its store.
  if (/SQLite driver could not be loaded/.test(r.stderr)) throw new Error(`${build.cli} runs without its store: use a copy inside the project (.bench/)`);
  return { ms, out: r.stdout + r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const repos = setup();
const runs = BUILDS.flatMap((build) => repos.map((repo) => ({ repo, build, key: repo.name + build.name })));
for (const r of runs) hook(r.repo, -1, r.build); // warm: stores the untouched members' results, fills the OS cache
const times = new Map(runs.map((r) => [r.key, []]));
const ratios = new Map(BUILDS.map((b) => [b.name, []]));
const flatRatios = new Map(BUILDS.map((b) => [b.name, []]));
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 ? [...runs].reverse() : runs; // mono, single, flat / flat, single, mono (each build in turn)
  const got = {};
  for (const r of order) got[r.key] = hook(r.repo, i, r.build).ms;
  for (const r of runs) times.get(r.key).push(got[r.key]);
  for (const b of BUILDS) {
    ratios.get(b.name).push(got[`monorepo${b.name}`] / got[`single member${b.name}`]);
    flatRatios.get(b.name).push(got[`monorepo${b.name}`] / got[`flat${b.name}`]);
  }
}
const last = hook(repos[1], ROUNDS);
console.log(`pre-commit touching one member, ${ROUNDS} interleaved rounds (median):`);
for (const r of runs) console.log(`  ${(r.repo.name + r.build.name).padEnd(25)} ${String(r.repo.files).padStart(6)} files  ${median(times.get(r.key)).toFixed(0)} ms`);
for (const b of BUILDS) {
  const rs = ratios.get(b.name);
  console.log(`  ratio monorepo / single member${b.name}: ${median(rs).toFixed(2)}× (per-round ratios ${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`);
  console.log(`  ratio monorepo / the same files without members${b.name}: ${median(flatRatios.get(b.name)).toFixed(2)}×`);
}
if (cpu.size === runs.length) {
  const per = (k) => (1000 * cpu.get(k)) / ROUNDS;
  for (const b of BUILDS) {
    console.log(`  CPU per hook${b.name} (heph and its git processes, mean of ${ROUNDS}): ${repos.map((r) => `${r.name} ${per(r.name + b.name).toFixed(0)} ms`).join(', ')}; monorepo / single member ${(per(`monorepo${b.name}`) / per(`single member${b.name}`)).toFixed(2)}×`);
  }
}
console.log(`  checks that ran in the monorepo: ${(last.out.match(/passed/g) ?? []).length - 1}; skipped as untouched: ${(last.out.match(/nothing changed in/g) ?? []).length}`);
