// `npm run bench -- --workload [--files N] [--rounds N] [--only heph|lefthook] [--builtins]`: heph
// against lefthook on a generated multi-language project (Python, JS, TS,
// JSON, YAML, CSS, Markdown, shell) whose defective files each need three or
// four fixers (trailing whitespace, end of file, then black / eslint+prettier
// / prettier / shfmt), with jq, mypy and tsc as read-only checks. Both runners
// get the same commands in the same order; lefthook runs them one after
// another (its commands share files, so running them in parallel would race).
// Scenarios: a commit of 8 and of 60 defective files (heph's results cleared
// before each sample), every file checked on a clean tree, and the same check
// again with nothing changed. `--builtins` adds a third runner: heph with its
// in-process whitespace and end-of-file checks in place of the Python fixers.
// Rounds interleave the runners; the figures are
// medians. After every sample the committed tree (or the working tree) is
// compared byte for byte with the expected one.
//
// Tools: prettier, eslint, typescript and lefthook are installed from npm into
// .bench/workload-tools with their install scripts off (lefthook's would install its
// hooks into the enclosing repository), never into the project; black, mypy, jq and shfmt
// come from the system (Debian: apt-get install -y black mypy jq shfmt).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, '.bench', 'workload');
// A private copy of the package: a rebuild during the benchmark must not change what it runs.
const PKG = join(WORK, 'heph-package');
const CLI = join(PKG, 'dist', 'cli.cjs');
const TOOLS = join(ROOT, '.bench', 'workload-tools');

function arg(argv, name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}

export function baseEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const k of Object.keys(env)) if (k.startsWith('HEPH') || k.startsWith('GIT_') || k.startsWith('LEFTHOOK')) delete env[k];
  Object.assign(env, { GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1', CI: '1' });
  env.PATH = `${join(TOOLS, 'node_modules', '.bin')}:${env.PATH}`;
  return env;
}

function installTools(env) {
  const bin = join(TOOLS, 'node_modules', '.bin');
  if (!['prettier', 'eslint', 'tsc', 'lefthook'].every((t) => existsSync(join(bin, t)))) {
    mkdirSync(TOOLS, { recursive: true });
    writeFileSync(join(TOOLS, 'package.json'), '{"name":"bench-workload-tools","private":true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'prettier@3', 'eslint@10', 'typescript', 'lefthook@2'], { cwd: TOOLS, env, stdio: 'inherit' });
  }
  for (const t of ['black', 'mypy', 'jq', 'shfmt', 'python3']) {
    if (spawnSync(t, ['--version'], { env }).error) throw new Error(`${t} is not installed (Debian: apt-get install -y black mypy jq shfmt)`);
  }
}

// ---- the project ---------------------------------------------------------

/** Trailing-whitespace and end-of-file fixers in the pre-commit-hooks manner (one start for many files). */
const TEXTFIX = `import sys
mode, args = sys.argv[1], sys.argv[2:]
check = '--check' in args
bad = 0
for f in [a for a in args if a != '--check']:
    with open(f, 'rb') as h:
        b = h.read()
    if mode == 'ws':
        n = b'\\n'.join(l.rstrip(b' \\t') for l in b.split(b'\\n'))
    else:
        n = b.rstrip(b'\\n') + b'\\n' if b.strip() else b
    if n != b:
        bad = 1
        if check:
            print(f + ': ' + mode)
        else:
            with open(f, 'wb') as h:
                h.write(n)
sys.exit(bad if check else 0)
`;

const KINDS = [
  ['py', 0.2],
  ['js', 0.15],
  ['ts', 0.15],
  ['json', 0.12],
  ['yaml', 0.12],
  ['css', 0.1],
  ['md', 0.1],
  ['sh', 0.06],
];

function source(kind, i) {
  switch (kind) {
    case 'py':
      return `"""Module ${i} REV0."""\nfrom typing import List\n\n\ndef total_${i}(values: List[int], scale: int = ${i % 7 + 1}) -> int:\n    total = 0\n    for v in values:\n        total += v * scale\n    return total\n\n\nNAME = "REV0"\n`;
    case 'js':
      return `// REV0\nexport function total${i}(values, scale) {\n  let total = 0;\n  for (const v of values) {\n    total += v * scale;\n  }\n  return total;\n}\n\nexport const NAME = "REV0";\nexport const config = { NAME, size: ${i} };\n`;
    case 'ts':
      return `// REV0\nexport function total${i}(values: number[], scale: number): number {\n  let total = 0;\n  for (const v of values) {\n    total += v * scale;\n  }\n  return total;\n}\n\nexport const NAME: string = "REV0";\n`;
    case 'json':
      return `{\n  "name": "REV0",\n  "id": ${i},\n  "tags": ["a", "b"]\n}\n`;
    case 'yaml':
      return `name: REV0\nid: ${i}\nitems:\n  - a\n  - b\n`;
    case 'css':
      return `.c${i}-REV0 {\n  color: red;\n  margin: 0 auto;\n}\n`;
    case 'md':
      return `# Note ${i} REV0\n\n- item one\n- item two\n`;
    case 'sh':
      return `#!/bin/sh\n# REV0\nmain() {\n\techo "hello ${i}"\n}\nmain "$@"\n`;
  }
}

/** Defects each fixer of its kind undoes; with the trailing space and the missing final newline, 3–4 fixers per file. */
export function defective(kind, clean) {
  let s = clean;
  switch (kind) {
    case 'py':
      s = s.replace('total = 0', 'total=0').replace('NAME = "', "NAME = '").replace(/"\n$/, "'\n");
      break;
    case 'js':
      s = s.replace('let total = 0;', 'var total=0;').replace('const v of', 'let v of').replace('{ NAME, size', '{ NAME: NAME, size');
      break;
    case 'ts':
      s = s.replace('let total = 0;', 'let total=0;').replace('"REV', "'REV").replace(/";\n$/, "';\n");
      break;
    case 'json':
      s = s.replace('"id": ', '"id":    ');
      break;
    case 'yaml':
      s = s.replace('id: ', 'id:    ');
      break;
    case 'css':
      s = s.replace('color: red;', 'color:red;');
      break;
    case 'md':
      s = s.replace('- item one', '* item one').replace('- item two', '* item two');
      break;
    case 'sh':
      s = s.replace('\techo', '    echo');
      break;
  }
  return s.replace('\n', '  \n').replace(/\n$/, '');
}

const GLOBS = (exts) => exts.map((e) => `**/*.${e}`);
const ALL = ['py', 'js', 'ts', 'json', 'yaml', 'css', 'md', 'sh'];
const PRETTIER = ['js', 'ts', 'json', 'yaml', 'css', 'md'];

function checks(textfix) {
  return [
    { name: 'ws', run: `python3 ${textfix} ws --check {files}`, fix: `python3 ${textfix} ws {files}`, exts: ALL },
    { name: 'eof', run: `python3 ${textfix} eof --check {files}`, fix: `python3 ${textfix} eof {files}`, exts: ALL },
    { name: 'black', run: 'black --check -q {files}', fix: 'black -q {files}', exts: ['py'] },
    { name: 'eslint', run: 'eslint {files}', fix: 'eslint --fix {files}', exts: ['js'] },
    { name: 'prettier', run: 'prettier --check {files}', fix: 'prettier --write {files}', exts: PRETTIER },
    { name: 'shfmt', run: 'shfmt -d {files}', fix: 'shfmt -w {files}', exts: ['sh'] },
    { name: 'jq', run: 'jq empty {files}', exts: ['json'] },
    // What the type checkers read (heph's `inputs`): each waits only for the fixers of those files.
    { name: 'mypy', run: 'mypy', inputs: ['**/*.py', 'mypy.ini'] },
    { name: 'tsc', run: 'tsc --noEmit -p .', inputs: ['**/*.ts', 'tsconfig.json'] },
  ];
}

/** heph's own in-process checks in place of the Python whitespace and end-of-file fixers (`--builtins`). */
function withBuiltins(list) {
  const own = { ws: 'heph:trailing-whitespace', eof: 'heph:end-of-file' };
  return list.map((c) => (own[c.name] ? { ...c, run: own[c.name], fix: `${own[c.name]} --fix` } : c));
}

function hephConfig(list) {
  return { phases: [{ name: 'quality', checks: list.map((c) => ({ name: c.name, run: c.run, ...(c.fix ? { fix: c.fix } : {}), ...(c.exts ? { files: GLOBS(c.exts) } : {}), ...(c.inputs ? { inputs: c.inputs } : {}) })) }] };
}

/** lefthook runs the fix commands directly, in order, re-staging what they change. */
function lefthookConfig(list) {
  const lines = ['pre-commit:', '  commands:'];
  list.forEach((c, i) => {
    lines.push(`    ${String(i).padStart(2, '0')}-${c.name}:`);
    if (c.exts) lines.push(`      glob: "**/*.{${c.exts.join(',')}}"`);
    lines.push(`      run: ${(c.fix ?? c.run).replace('{files}', '{staged_files}')}`);
    if (c.fix) lines.push('      stage_fixed: true');
  });
  return lines.join('\n') + '\n';
}

function git(cwd, env, ...args) {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
}

function write(dir, rel, content) {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
}

/** The clean project: generated, normalised once by the formatters, committed. */
function makeProject(dir, n, env, textfix) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, env, 'init', '-q', '-b', 'main');
  const files = [];
  let i = 0;
  for (const [kind, share] of KINDS) {
    const count = Math.round(n * share);
    for (let k = 0; k < count; k++, i++) {
      const rel = `pkg${i % 20}/${kind}/m${i}.${kind}`;
      write(dir, rel, source(kind, i));
      files.push({ rel, kind });
    }
  }
  write(dir, '.gitignore', 'node_modules\n.mypy_cache/\n');
  write(dir, 'mypy.ini', '[mypy]\nfiles = .\nexclude = node_modules\n');
  write(dir, 'tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler', skipLibCheck: true }, include: ['**/*.ts'], exclude: ['node_modules'] }, null, 2) + '\n');
  write(dir, 'eslint.config.js', `export default [{ files: ["**/*.js"], languageOptions: { ecmaVersion: "latest", sourceType: "module" }, rules: { "no-var": "error", "prefer-const": "error", "object-shorthand": "error" } }];\n`);
  write(dir, 'package.json', '{ "name": "workload", "private": true, "type": "module" }\n');
  write(dir, '.prettierignore', 'node_modules\n.heph.json\nlefthook.yml\npackage.json\ntsconfig.json\neslint.config.js\n');
  symlinkSync(join(TOOLS, 'node_modules'), join(dir, 'node_modules'));
  // Normalise with the formatters themselves, so the clean tree is what every fixer leaves.
  const by = (exts) => files.filter((f) => exts.includes(f.kind)).map((f) => f.rel);
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, env, stdio: 'ignore' });
  run('black', ['-q', ...by(['py'])]);
  run('eslint', ['--fix', ...by(['js'])]);
  run('prettier', ['--write', '--log-level=silent', ...by(PRETTIER)]);
  run('shfmt', ['-w', ...by(['sh'])]);
  git(dir, env, 'add', '-A');
  git(dir, env, 'commit', '-q', '--no-verify', '-m', 'clean');
  return files;
}

/** A copy of the project for one runner, with its hooks installed. */
function setupRunner(name, src, dir, env, list) {
  rmSync(dir, { recursive: true, force: true });
  git(ROOT, env, 'clone', '-q', src, dir);
  symlinkSync(join(TOOLS, 'node_modules'), join(dir, 'node_modules'));
  if (name.startsWith('heph')) {
    write(dir, '.heph.json', JSON.stringify(hephConfig(name === 'heph-builtins' ? withBuiltins(list) : list), null, 2) + '\n');
    git(dir, env, 'add', '.heph.json');
    git(dir, env, 'commit', '-q', '--no-verify', '-m', 'heph');
    execFileSync(process.execPath, [CLI, 'install'], { cwd: dir, env, stdio: 'ignore' });
  } else {
    write(dir, 'lefthook.yml', lefthookConfig(list));
    git(dir, env, 'add', 'lefthook.yml');
    git(dir, env, 'commit', '-q', '--no-verify', '-m', 'lefthook');
    execFileSync('lefthook', ['install'], { cwd: dir, env, stdio: 'ignore' });
  }
  // Warm the tools' own caches (mypy) the same way for both.
  spawnSync('mypy', [], { cwd: dir, env, stdio: 'ignore' });
  return git(dir, env, 'rev-parse', 'HEAD').trim();
}

// ---- samples ---------------------------------------------------------------

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall time, and the CPU time (user + system) of the command and every process it waited for. */
function timed(cmd, args, opts) {
  const cpuFile = join(WORK, 'cpu.txt');
  const [c, a] = TIME ? [TIME, ['-q', '-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, args];
  const t = performance.now();
  const r = spawnSync(c, a, { ...opts, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  const cpu = TIME ? readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').reduce((x, y) => x + Number(y) * 1000, 0) : NaN;
  return { ms, cpu, code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Commits `count` defective files (new content each sample) and checks the commit byte for byte. */
export function commitSample(runner, count, files, k, env) {
  const { dir, base, name } = runner;
  git(dir, env, 'reset', '-q', '--hard', base);
  if (name.startsWith('heph')) execFileSync(process.execPath, [CLI, 'cache', 'clear'], { cwd: dir, env, stdio: 'ignore' });
  // Spread over the kinds: every k-th file.
  const step = Math.floor(files.length / count);
  const picked = Array.from({ length: count }, (_, j) => files[(j * step + k) % files.length]);
  const expected = new Map();
  for (const f of picked) {
    const clean = readFileSync(join(dir, f.rel), 'utf8').replaceAll('REV0', `REV${k}`);
    expected.set(f.rel, clean);
    write(dir, f.rel, defective(f.kind, clean));
  }
  git(dir, env, 'add', '--', ...picked.map((f) => f.rel));
  const r = timed('git', ['commit', '-q', '-m', `sample ${k}`], { cwd: dir, env });
  const problems = [];
  if (r.code !== 0) problems.push(`commit failed (exit ${r.code}): ${r.out.slice(-2000)}`);
  else {
    const changed = git(dir, env, 'diff', '--name-only', base, 'HEAD').split('\n').filter(Boolean).sort();
    const want = [...expected.keys()].sort();
    if (JSON.stringify(changed) !== JSON.stringify(want)) problems.push(`the commit changed ${changed.length} files, expected ${want.length}`);
    for (const [rel, content] of expected) {
      if (git(dir, env, 'show', `HEAD:${rel}`) !== content) problems.push(`${rel}: committed content differs`);
      if (readFileSync(join(dir, rel), 'utf8') !== content) problems.push(`${rel}: working tree differs`);
    }
    if (git(dir, env, 'status', '--porcelain', '--untracked-files=no').trim()) problems.push('working tree not clean after the commit');
  }
  return { ms: r.ms, cpu: r.cpu, problems };
}

/** Every file checked on the clean tree; `clear`: heph's results cleared first. */
function checkAllSample(runner, clear, env) {
  const { dir, base, name } = runner;
  git(dir, env, 'reset', '-q', '--hard', base);
  if (name.startsWith('heph') && clear) execFileSync(process.execPath, [CLI, 'cache', 'clear'], { cwd: dir, env, stdio: 'ignore' });
  const r = name.startsWith('heph') ? timed(process.execPath, [CLI, 'run', ...(clear ? [] : ['--fast'])], { cwd: dir, env }) : timed('lefthook', ['run', 'pre-commit', '--all-files', '--no-tty'], { cwd: dir, env });
  const problems = [];
  if (r.code !== 0) problems.push(`exit ${r.code}: ${r.out.slice(-2000)}`);
  if (git(dir, env, 'status', '--porcelain').trim()) problems.push('the clean tree was changed');
  return { ms: r.ms, cpu: r.cpu, problems };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(argv) {
  const n = Number(arg(argv, '--files', 2000));
  const rounds = Number(arg(argv, '--rounds', 5));
  const only = arg(argv, '--only', null);
  const env = baseEnv();
  if (!existsSync(join(ROOT, 'dist', 'cli.cjs'))) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  installTools(env);
  mkdirSync(WORK, { recursive: true });
  rmSync(PKG, { recursive: true, force: true });
  for (const f of ['dist', 'hooks', 'package.json', 'schema.json']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(PKG, f), { recursive: true });
  const textfix = join(WORK, 'textfix.py');
  writeFileSync(textfix, TEXTFIX);
  const list = checks(textfix);
  console.log(`generating a ${n}-file project…`);
  const src = join(WORK, 'project');
  const files = makeProject(src, n, env, textfix);
  const builtins = argv.includes('--builtins');
  const runners = ['heph', 'lefthook', ...(builtins ? ['heph-builtins'] : [])]
    .filter((r) => !only || r === only)
    .map((name) => {
      const dir = join(WORK, name);
      return { name, dir, base: setupRunner(name, src, dir, env, list) };
    });
  const scenarios = [
    { key: 'commit-8', label: 'commit of 8 defective files (heph: results cleared)', run: (r, k) => commitSample(r, 8, files, k, env) },
    { key: 'commit-60', label: 'commit of 60 defective files (heph: results cleared)', run: (r, k) => commitSample(r, 60, files, k, env) },
    { key: 'all', label: 'check every file, clean tree (heph: results cleared)', run: (r) => checkAllSample(r, true, env) },
    { key: 'again', label: 'same check again, nothing changed (heph: results reused)', run: (r) => checkAllSample(r, false, env) },
  ];
  const times = {};
  const cpus = {};
  const problems = [];
  let k = 1;
  for (let round = 0; round < rounds; round++) {
    for (const sc of scenarios) {
      // Alternate which runner goes first, so neither always meets a warmer machine.
      const order = round % 2 ? [...runners].reverse() : runners;
      for (const r of order) {
        const res = sc.run(r, k++);
        (times[sc.key] ??= {})[r.name] ??= [];
        times[sc.key][r.name].push(res.ms);
        ((cpus[sc.key] ??= {})[r.name] ??= []).push(res.cpu);
        for (const p of res.problems) problems.push(`${r.name} ${sc.key} round ${round + 1}: ${p}`);
        console.log(`round ${round + 1} ${sc.key.padEnd(10)} ${r.name.padEnd(9)} ${(res.ms / 1000).toFixed(2)} s (cpu ${(res.cpu / 1000).toFixed(2)} s)${res.problems.length ? `  ✖ ${res.problems[0].slice(0, 200)}` : ''}`);
      }
    }
  }
  console.log(`\n${n} files, ${rounds} interleaved rounds, medians:\n`);
  console.log('| scenario | heph | lefthook | heph / lefthook | CPU: heph | CPU: lefthook | CPU ratio |\n| --- | --- | --- | --- | --- | --- | --- |');
  const summary = {};
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  for (const sc of scenarios) {
    const m = (t, who) => (t[sc.key][who] ? median(t[sc.key][who]) : NaN);
    const [h, l, hc, lc] = [m(times, 'heph'), m(times, 'lefthook'), m(cpus, 'heph'), m(cpus, 'lefthook')];
    summary[sc.key] = { heph: h, lefthook: l, ratio: h / l, cpu: { heph: hc, lefthook: lc }, samples: times[sc.key], cpuSamples: cpus[sc.key] };
    console.log(`| ${sc.label} | ${s(h)} | ${s(l)} | ${(h / l).toFixed(2)} | ${s(hc)} | ${s(lc)} | ${(hc / lc).toFixed(2)} |`);
  }
  if (builtins) {
    console.log('\nheph with its built-in whitespace and end-of-file checks (heph:trailing-whitespace, heph:end-of-file) in place of the Python fixers:\n');
    console.log('| scenario | heph, built-ins | lefthook | ratio | CPU: heph, built-ins | CPU ratio |\n| --- | --- | --- | --- | --- | --- |');
    for (const sc of scenarios) {
      const [h, l, hc, lc] = [median(times[sc.key]['heph-builtins']), median(times[sc.key].lefthook), median(cpus[sc.key]['heph-builtins']), median(cpus[sc.key].lefthook)];
      summary[sc.key].builtins = { heph: h, ratio: h / l, cpu: hc, cpuRatio: hc / lc, samples: times[sc.key]['heph-builtins'] };
      console.log(`| ${sc.label} | ${s(h)} | ${s(l)} | ${(h / l).toFixed(2)} | ${s(hc)} | ${(hc / lc).toFixed(2)} |`);
    }
  }
  console.log('\nfastest sample of each (the quietest moment of the machine):\n');
  for (const sc of scenarios) {
    const best = (who) => Math.min(...(times[sc.key][who] ?? [NaN]));
    console.log(`- ${sc.label}: heph ${s(best('heph'))}, lefthook ${s(best('lefthook'))} (${(best('heph') / best('lefthook')).toFixed(2)})`);
  }
  console.log(problems.length ? `\n${problems.length} samples did not produce the expected tree:\n${problems.slice(0, 20).join('\n')}` : '\nevery sample produced exactly the expected tree');
  writeFileSync(join(ROOT, '.bench', 'workload-results.json'), JSON.stringify({ files: n, rounds, summary, problems }, null, 2));
  if (problems.length) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
