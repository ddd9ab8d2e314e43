/**
 * A seeded state-space fuzzer for heph's pre-commit: random repository states
 * built from every kind of change git can hold, a commit through the installed
 * hook with random checks and fixes (some colliding with unstaged lines),
 * optionally an edit during the hook and a kill -9 or SIGINT at a random
 * moment then a recovery command, and the invariant of docs/events.md checked
 * byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv } from '../helpers/repo.js';
import { differences, index, worktree } from './state.js';
import { abs, change, git, LATIN1_NAME, makeTemplate, NAMES, rng, write, type Env } from './repo.js';
import { commitArgs, commitThroughHook, type Case } from './interrupt.js';

export { rng } from './repo.js';
export type { Case } from './interrupt.js';

const HOSTILE = ['diff.noprefix=true', 'diff.mnemonicPrefix=true', 'diff.relative=true', 'diff.renames=copies', 'color.ui=always', 'core.quotePath=true', 'apply.whitespace=fix', 'core.autocrlf=true', 'diff.external=false', 'status.showUntrackedFiles=no'];

/** fix: first `foo` of each line becomes `bar` (what `sed s/foo/bar/` does). */
const fixed = (b: Buffer) => Buffer.from(b.toString('latin1').split('\n').map((l) => l.replace('foo', 'bar')).join('\n'), 'latin1');
const sig = (b: Buffer, x = false) => `file:${x ? 'x' : '-'}:${createHash('sha1').update(b).digest('hex')}`;

export interface Outcome {
  failures: string[];
  /** The commit failed though nothing interrupted it and no check could fail: not a data loss, but worth a look. */
  blocked?: string;
  committed: boolean;
  killed: boolean;
  kept: number;
}

/**
 * @param members the checks are a member's (`d/`, the staged file under it) and the root config holds only
 *   the hook: the commit reads and puts aside only `d/`, and every other path must stay as it was.
 */
export async function runCase(seed: number, templates: { root: string; sub: boolean }[], work: string, nameBytes: boolean, members = false): Promise<Outcome & { c: Case }> {
  const r = rng(seed);
  const t = r.pick(templates);
  const dir = join(work, `case-${seed}`);
  mkdirSync(dir, { recursive: true });
  // cp -a: node's copy cannot name files that are not UTF-8.
  if (spawnSync('cp', ['-a', t.root, join(dir, 'repo')]).status !== 0) throw new Error('cp -a failed');
  let root = join(dir, 'repo');
  const c: Case = { seed, ops: [], checks: [], interrupt: r.pick(['none', 'none', 'none', 'kill', 'kill', 'sigint']), delayMs: r.int(400), worktree: r.chance(0.15), hostile: HOSTILE.filter(() => r.chance(0.2)) };
  const env = cleanEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), GIT_CONFIG_NOSYSTEM: '1' });
  writeFileSync(join(dir, '.gitconfig'), c.hostile.map((kv) => `[${kv.split('.')[0]}]\n\t${kv.slice(kv.indexOf('.') + 1).replace('=', ' = ')}\n`).join(''));
  let e: Env = { root, env };
  if (c.worktree) {
    const wt = join(dir, 'linked');
    git(e, ['worktree', 'add', '-q', '-b', `wt${seed}`, wt]);
    root = wt;
    e = { root, env };
  }
  const names = NAMES.filter((n) => nameBytes || n !== LATIN1_NAME).concat(nameBytes ? [LATIN1_NAME] : []);
  const used = new Set<string>();
  for (let i = 0, n = 2 + r.int(6); i < n; i++) {
    const p = r.pick(names);
    if (used.has(p)) continue;
    used.add(p);
    try {
      c.ops.push(change(r, e, p, t.sub && !c.worktree));
    } catch (err) {
      c.ops.push(`(failed: ${(err as Error).message.split('\n')[0]})`);
    }
  }
  // Something is always staged; a .txt with foo makes the fix run.
  const staged = `${members ? 'd/' : ''}staged-${r.int(1000)}.txt`;
  write(e, staged, r.chance(0.6) ? Buffer.from('foo\nline\n') : Buffer.from('clean\n'));
  git(e, ['add', '--', staged]);
  c.ops.push(`stage ${staged}`);
  // Checks.
  const checks: object[] = [{ name: 'ok', shell: true, run: 'true' }];
  if (r.chance(0.8)) checks.push({ name: 'foo', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] });
  if (r.chance(0.25)) checks.push({ name: 'nofail', shell: true, run: '! grep -l FAIL {files}', files: ['*.txt'] });
  const autosave = r.chance(0.2) ? ['x.md', 'y.md', 'nonl.md'].find((p) => c.ops.some((o) => o.startsWith('unstage') && o.includes(p)) || c.ops.some((o) => o.startsWith('both') && o.includes(p))) : undefined;
  // A member's checks run in d/: a path saved during the hook would be another one.
  if (autosave && !members) checks.push({ name: 'autosave', shell: true, run: `printf 'saved during the hook\\n' > ${autosave}` });
  if (c.interrupt !== 'none' && r.chance(0.5)) checks.push({ name: 'slow', shell: true, run: 'sleep 0.2' });
  c.checks = checks.map((k) => (k as { name: string }).name);
  c.variant = r.pick(['plain', 'plain', 'plain', 'plain', 'all', 'only'] as const);
  // A linked worktree cannot be copied for the oracle: there, only a plain commit (whose index is known).
  if (c.worktree) c.variant = 'plain';
  if (members) {
    writeFileSync(join(root, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks: [] }], hooks: { 'pre-commit': { mode: 'full' } } }));
    writeFileSync(join(root, 'd', '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks }] }));
    git(e, ['add', '--', '.heph.json', 'd/.heph.json']);
  } else {
    writeFileSync(join(root, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks }], hooks: { 'pre-commit': { mode: 'full' } } }));
    git(e, ['add', '--', '.heph.json']);
  }
  const hephEnv = { ...env };
  // Install in the case's repository (shims are per repository).
  const inst = spawnSync(process.execPath, [CLI, 'install'], { cwd: root, env: hephEnv });
  if (inst.status !== 0) return { c, failures: [`install failed: ${inst.stderr}`], committed: false, killed: false, kept: 0 };

  const skip = (rel: string) => rel === '.git';
  const W0 = worktree(root, skip);
  const I0 = index(root, env);
  const H0 = git(e, ['rev-parse', 'HEAD']).toString().trim();
  const userContent = (p: string) => (W0.get(p)?.startsWith('file:') ? readFileSync(abs(root, p)) : null);
  const before = new Map<string, Buffer | null>([...W0.keys()].map((p) => [p, userContent(p)]));
  // The oracle: the same commit by git alone (HEPH=0) on a copy; heph may differ from it only by fixes.
  let oracle: { root: string; index: Map<string, string>; tree: Map<string, string>; code: number } | null = null;
  if (!c.worktree) {
    const oroot = join(dir, 'oracle');
    spawnSync('cp', ['-a', root, oroot]);
    const oenv = { ...env, HEPH: '0' };
    const code = spawnSync('git', commitArgs(c, staged), { cwd: oroot, env: oenv }).status ?? 1;
    oracle = { root: oroot, index: index(oroot, oenv), tree: tree(oroot, oenv), code };
  }

  const res = await commitThroughHook(e, c, staged);
  // The next heph command settles whatever a kill left aside.
  const rec = spawnSync(process.execPath, [CLI, 'run', '--no-fix', '--only', 'ok'], { cwd: root, env: hephEnv });
  const output = res.out + String(rec.stdout) + String(rec.stderr);
  const W1 = worktree(root, skip);
  const I1 = index(root, env);
  const H1 = git(e, ['rev-parse', 'HEAD']).toString().trim();
  const committed = H1 !== H0;
  const expected = committed && oracle ? oracle.index : I0;
  const from = committed && oracle ? { ...e, root: oracle.root } : e;
  const stagedContent = (p: string) => {
    const entry = expected.get(p);
    return entry ? (git(from, ['cat-file', 'blob', entry.split(' ')[1]]) as Buffer) : null;
  };
  const common = git(e, ['rev-parse', '--path-format=absolute', '--git-common-dir']).toString().trim();
  const keptRoot = join(common, 'heph', 'kept');
  const kept = new Map<string, string>();
  if (existsSync(keptRoot)) for (const id of readdirSync(keptRoot)) for (const [p, s] of worktree(join(keptRoot, id), () => false)) kept.set(p, s);

  const fixes = c.checks.includes('foo');
  // What a fix replaced stays reachable: the rollback point (saved before the kill or Ctrl-C), or the
  // state kept while the fixes ran (a kill -9 during them).
  const hasRef = (ref: string) => spawnSync('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: root, env }).status === 0;
  const beforeKilledFix = () => hasRef('refs/worktree/heph/before-killed-fix') || hasRef('refs/worktree/heph/rollback');
  // What the hook saw staged: the index, and with `commit -a` the user's working-tree files.
  const hookStaged = (p: string) => [stagedContent(p), c.variant === 'all' ? before.get(p) : null].filter((b): b is Buffer => !!b);
  const fixable = (p: string) => fixes && p.endsWith('.txt') && hookStaged(p).some((b) => b.includes('foo'));
  const failures: string[] = [];
  failures.push(
    ...differences('index', expected, I1, (p, a, b) => {
      if (!fixable(p) || !a || !b) return false;
      const want = fixed(stagedContent(p)!);
      const got = git(e, ['cat-file', 'blob', b.split(' ')[1]]);
      return got.equals(want) || got.equals(Buffer.from(want.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
    }),
  );
  failures.push(
    ...differences('worktree', W0, W1, (p, a, b) => {
      // The editor's save stays; heph keeps the user's earlier version when it had put the file aside (never with -a).
      if (p === autosave && b === sig(Buffer.from('saved during the hook\n'))) return kept.get(p) === a || c.variant === 'all';
      if (kept.get(p) === a && a !== undefined) return true; // changed during the hook: the user's version is kept
      if (!fixable(p) || !a?.startsWith('file:') || !b?.startsWith('file:')) return false;
      const x = a.startsWith('file:x');
      // The fix's output: re-staged, or (heph killed while fixing, before re-staging) left in the
      // working tree with the state from before the fixes kept under a ref (docs/events.md).
      for (const staged of hookStaged(p)) {
        const want = fixed(staged);
        if (b !== sig(want, x) && b !== sig(Buffer.from(want.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'), x)) continue;
        // Not re-staged: heph was killed while fixing, and what the fix replaced must stay reachable.
        return committed || I1.get(p) !== expected.get(p) || beforeKilledFix();
      }
      // A fix merged with the user's unstaged lines.
      const staged = stagedContent(p);
      if (!staged) return false;
      const merged = merge3(dir, fixed(staged), staged, before.get(p)!);
      return merged !== null && readFileSync(abs(root, p)).equals(merged);
    }),
  );
  if (committed && c.variant !== 'only' && spawnSync('git', ['diff', '--cached', '--quiet', '--ignore-submodules=all'], { cwd: root, env }).status !== 0) failures.push('the commit does not hold what the index holds');
  if (oracle) {
    if (committed && oracle.code !== 0) failures.push('heph committed what git alone refused');
    if (committed) failures.push(...differences('commit', oracle.tree, tree(root, env), (p) => fixable(p)));
    else if (!res.killed && oracle.code === 0 && !c.checks.includes('nofail') && !c.checks.includes('foo')) failures.push(`git alone committed, heph did not:\n${res.out}`);
  }
  const stashDir = join(common, 'heph', 'stash');
  if (existsSync(stashDir) && readdirSync(stashDir).length) failures.push(`left in the stash: ${readdirSync(stashDir).join(', ')}`);
  if (/unexpected error|at .*\.cjs:\d+/.test(output)) failures.push(`crash:\n${output}`);
  if (failures.length) failures.push(`output:\n${output}`);
  const blocked = !committed && !res.killed && !c.checks.includes('nofail') ? res.out : undefined;
  return { c, failures, committed, killed: res.killed, kept: kept.size, blocked };
}

/** HEAD's tree: path → 'mode blob'. */
function tree(root: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  const ls = spawnSync('git', ['ls-tree', '-r', '-z', 'HEAD'], { cwd: root, env }).stdout as Buffer;
  for (const rec of ls.toString('latin1').split('\0').filter(Boolean)) {
    const tab = rec.indexOf('\t');
    const [mode, , blob] = rec.slice(0, tab).split(' ');
    out.set(rec.slice(tab + 1), `${mode} ${blob}`);
  }
  return out;
}

function merge3(dir: string, ours: Buffer, base: Buffer, theirs: Buffer): Buffer | null {
  const [o, b, t] = ['o', 'b', 't'].map((n) => join(dir, `m-${n}`));
  writeFileSync(o, ours);
  writeFileSync(b, base);
  writeFileSync(t, theirs);
  const r = spawnSync('git', ['merge-file', '-p', o, b, t]);
  return r.status === 0 ? (r.stdout as Buffer) : null;
}

export interface Summary {
  seed: number;
  cases: number;
  committed: number;
  killed: number;
  kept: number;
  blocked: number[];
  failures: { seed: number; case: Case; failures: string[] }[];
  seconds: number;
}

/** Runs `cases` cases from `seed` (case i has seed `seed + i + 1`). */
export async function fuzz(seed: number, cases: number, opts: { nameBytes?: boolean; members?: boolean; log?: (s: string) => void } = {}): Promise<Summary> {
  return replay(Array.from({ length: cases }, (_, i) => seed + i + 1), { ...opts, seed });
}

/** Runs the cases with these seeds: a case depends on its seed alone (the base repositories are always the same). */
export async function replay(seeds: number[], opts: { nameBytes?: boolean; members?: boolean; log?: (s: string) => void; seed?: number } = {}): Promise<Summary> {
  const seed = opts.seed ?? seeds[0] - 1;
  const cases = seeds.length;
  const started = Date.now();
  const work = join(tmpdir(), `heph-fuzz-${seed}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const r = rng(0);
  const templates = [0, 1, 2].map((i) => {
    const dir = join(work, `template-${i}`);
    const sub = i === 2;
    return { root: makeTemplate(r, dir, sub), sub };
  });
  const sum: Summary = { seed, cases: 0, committed: 0, killed: 0, kept: 0, blocked: [], failures: [], seconds: 0 };
  try {
    for (let i = 0; i < cases; i++) {
      const s = seeds[i];
      const o = await runCase(s, templates, work, opts.nameBytes ?? true, opts.members ?? false);
      sum.cases++;
      if (o.committed) sum.committed++;
      if (o.killed) sum.killed++;
      sum.kept += o.kept;
      if (o.blocked !== undefined) {
        sum.blocked.push(s);
        opts.log?.(`BLOCKED case seed ${s}: ${JSON.stringify(o.c)}\n  ${o.blocked.trim().split('\n').slice(-3).join('\n  ')}`);
      }
      if (o.failures.length) {
        sum.failures.push({ seed: s, case: o.c, failures: o.failures });
        opts.log?.(`FAIL case seed ${s}: ${JSON.stringify(o.c)}\n  ${o.failures.join('\n  ')}`);
      } else rmSync(join(work, `case-${s}`), { recursive: true, force: true });
      if ((i + 1) % 50 === 0) opts.log?.(`${i + 1} cases, ${sum.failures.length} failing, ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    if (!sum.failures.length) rmSync(work, { recursive: true, force: true });
  }
  sum.seconds = Math.round((Date.now() - started) / 1000);
  return sum;
}
