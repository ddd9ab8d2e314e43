#!/usr/bin/env node
// A commit touching one member of a generated monorepo (20 members, 50,000
// files) against the same commit in a repository holding only that member.
// Each round stages a one-line change to the member's file in both
// repositories and times `heph hook run pre-commit` in each, interleaved
// (one order, then the reverse), so machine load hits both alike. The
// figure is the median of the per-round ratios. Where /proc is readable, the
// CPU time of each hook (heph and the git processes it waits for) is summed
// over the rounds too: on a loaded machine it says what wall times cannot.
//
//   env -u NODE_EXTRA_CA_CERTS node scripts/bench-monorepo.mjs [--rounds 15] [--members 20] [--files 50000] [--cli .bench/dist-copy/cli.cjs]
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
const cliAt = process.argv.indexOf('--cli');
const CLI = resolve(cliAt > 0 ? process.argv[cliAt + 1] : 'dist/cli.cjs');
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

function hook(repo, round) {
  writeFileSync(repo.file, `export const v1 = ${round};\n`);
  git(repo.dir, 'add', repo.file);
  const c0 = childrenCpu();
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'hook', 'run', 'pre-commit'], { cwd: repo.dir, env, encoding: 'utf8' });
  const ms = performance.now() - t;
  const c1 = childrenCpu();
  if (c0 !== null && c1 !== null && round >= 0 && round < ROUNDS) cpu.set(repo.name, (cpu.get(repo.name) ?? 0) + (c1 - c0));
  if (r.status !== 0) throw new Error(`${repo.name}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  // A bundle copied outside the project finds no SQLite driver: it would be timed without its store.
  if (/SQLite driver could not be loaded/.test(r.stderr)) throw new Error(`${CLI} runs without its store: use a copy inside the project (.bench/)`);
  return { ms, out: r.stdout + r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const repos = setup();
for (const r of repos) hook(r, -1); // warm: stores the untouched members' results, fills the OS cache
const times = new Map(repos.map((r) => [r.name, []]));
const ratios = [];
const flatRatios = [];
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 ? [...repos].reverse() : repos; // mono, single, flat / flat, single, mono
  const got = {};
  for (const r of order) got[r.name] = hook(r, i).ms;
  for (const r of repos) times.get(r.name).push(got[r.name]);
  ratios.push(got.monorepo / got['single member']);
  flatRatios.push(got.monorepo / got.flat);
}
const last = hook(repos[1], ROUNDS);
console.log(`pre-commit touching one member, ${ROUNDS} interleaved rounds (median):`);
for (const r of repos) console.log(`  ${r.name.padEnd(14)} ${String(r.files).padStart(6)} files  ${median(times.get(r.name)).toFixed(0)} ms`);
console.log(`  ratio monorepo / single member: ${median(ratios).toFixed(2)}× (per-round ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
console.log(`  ratio monorepo / the same files without members: ${median(flatRatios).toFixed(2)}×`);
if (cpu.size === repos.length) {
  const per = (n) => (1000 * cpu.get(n)) / ROUNDS;
  console.log(`  CPU per hook (heph and its git processes, mean of ${ROUNDS}): ${repos.map((r) => `${r.name} ${per(r.name).toFixed(0)} ms`).join(', ')}; monorepo / single member ${(per('monorepo') / per('single member')).toFixed(2)}×`);
}
console.log(`  checks that ran in the monorepo: ${(last.out.match(/passed/g) ?? []).length - 1}; skipped as untouched: ${(last.out.match(/nothing changed in/g) ?? []).length}`);
