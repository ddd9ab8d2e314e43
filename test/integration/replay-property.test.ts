/**
 * Seeded differential property test of the pre-commit replay. After each
 * random change to the repository, its git state, heph's state or the
 * environment, `heph hook run pre-commit` runs with the replay on, then again
 * with HEPH_REPLAY=0 (a full run) on the same state. Whenever the first run
 * replayed, the full run must report every check cached (or skipped) with the
 * same lines and exit 0, and the replay must not have touched the working
 * tree, the index or anything else under .git but heph's folder.
 *
 * The checks' verdicts depend on content (BAD), so a stale pass would show
 * as a red or re-run check in the full run. HEPH_REPLAY_SEED picks one seed,
 * HEPH_REPLAY_STEPS runs longer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Repo, repoPool, type Result } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';
import { checkStatuses, describe, disagreement, HOOK, replayed, treePrint } from '../helpers/replay.js';

const pool = repoPool(test);
const STEPS = Number(process.env.HEPH_REPLAY_STEPS ?? 60);
const SEEDS = process.env.HEPH_REPLAY_SEED ? [Number(process.env.HEPH_REPLAY_SEED)] : [1101];

// Patterns are spelled BA[D] so that the config itself holds no BAD.
const CHECKS = [
  { name: 'txt', shell: true, run: '! grep -l -e BA[D] -- {files}', files: ['**/*.txt'] },
  { name: 'md', shell: true, run: '! grep -l -e BA[D] -- {files}', files: ['**/*.md'], incremental: false },
  // Every tracked and untracked, non-ignored file, as the check sees it on disk.
  { name: 'all', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl -e BA[D] --)"' },
  // An ignored file named literally.
  { name: 'lit', shell: true, run: '! grep -qs -e BA[D] .env', inputs: ['.env'] },
  { name: 'envc', shell: true, run: 'test "$MODE" != bad', env: ['MODE'], inputs: ['cfg.ini'] },
  { name: 'ttl', shell: true, run: '! grep -qs -e BA[D] cfg.ini', inputs: ['cfg.ini'], ttl: '1h' },
  // Its id starts with another's ("q/ttl"): the ages of the two lines must not be taken for each other.
  { name: 'ttl2', shell: true, run: 'true', inputs: ['notes'] },
  { name: 'sub', shell: true, run: '! grep -rqs --exclude-dir=.git -e BA[D] sub', inputs: ['sub', 'sub/**'] },
  // Kills its heph (the parent of its shell) while unstaged changes are aside.
  { name: 'killer', shell: true, run: 'if [ -n "$KILL" ]; then kill -9 $PPID; sleep 5; fi', env: ['KILL'], inputs: ['cfg.ini'] },
];
const BASE = { phases: [{ name: 'q', checks: [{ name: 'base', shell: true, run: '! grep -qs -e BA[D] base.in', inputs: ['base.in'] }] }] };

const config = (extra: object[] = []) => ({
  extends: ['./base.json'],
  settings: { lockTimeout: '1s' },
  phases: [{ name: 'q', checks: [...CHECKS, ...extra] }],
});

const NAMES = ['a.txt', 'd/b.txt', 'x.md', 'd/e/y.md', 'cfg.ini', 'base.in', 'notes', '-dash.txt', 'sp ace.txt', 'nl\nname.txt', 'ign/n.md', 'u/v.txt'];
const RAW = [Buffer.from('r\xff.txt', 'latin1'), Buffer.from('r\xfe.txt', 'latin1')];
const GOOD = ['fine\n', 'ok\n', 'line\r\nline\r\n'];
const BAD = ['BAD\n', 'x BAD\r\n'];
const T0 = 1_900_000_000_000;

interface World {
  r: Repo;
  wt: string;
  env: Record<string, string | undefined>;
  cwd: string;
  now: number;
  saved: Buffer[];
  other: string;
}

const exists = (p: string) => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** heph's state folder as the hooks see it. */
const stateDir = (w: World) => w.env.HEPH_HOME ?? join(w.r.dir, '.git', 'heph');

const recordFiles = (w: World) => {
  const dir = join(stateDir(w), 'replay');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)) : [];
};

function setup(): World {
  const r = pool();
  const subsrc = join(r.base, 'subsrc');
  mkdirSync(subsrc);
  const g = (cwd: string, ...args: string[]) => {
    const res = spawnSync('git', args, { cwd, env: r.env, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`git ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };
  g(subsrc, 'init', '-q', '-b', 'main');
  writeFileSync(join(subsrc, 'in.txt'), 'fine\n');
  g(subsrc, 'add', '-A');
  g(subsrc, 'commit', '-q', '-m', 'sub');
  g(r.dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', subsrc, 'sub');
  for (const n of NAMES.slice(0, 9)) r.write(n, 'fine\n');
  r.write('.gitignore', '*.log\n.env\n').write('ign/keep.log', 'BAD\n').write('.env', 'ok\n');
  r.write('ln.lnk', '');
  rmSync(r.path('ln.lnk'));
  symlinkSync('a.txt', r.path('ln.lnk'));
  writeFileSync(r.path('base.json'), JSON.stringify(BASE));
  writeFileSync(r.path('base-good.json'), JSON.stringify(BASE));
  writeFileSync(r.path('base-bad.json'), JSON.stringify({ phases: [{ name: 'q', checks: [{ ...BASE.phases[0].checks[0], run: 'false' }] }] }));
  r.config(config());
  r.commitAll('init');
  const wt = join(r.base, 'wt');
  r.git('worktree', 'add', '-q', '-b', 'side', wt);
  // Another repository with heph, whose replay record may be swapped in.
  const other = new Repo();
  pool(other);
  other.write('a.txt', 'fine\n').config({ phases: [{ name: 'q', checks: [{ name: 'txt', shell: true, run: 'true', files: ['**/*.txt'] }] }] }).commitAll();
  return { r, wt, env: { HEPH_NOW: String(T0) }, cwd: r.dir, now: T0, saved: [], other: other.dir };
}

function hook(w: World, extra: Record<string, string | undefined> = {}): Result {
  return w.r.heph(HOOK, { cwd: w.cwd, env: { HEPH_DEBUG: 'replay', ...w.env, HEPH_NOW: String(w.now), ...extra } });
}

function heal(w: World): string {
  const { r } = w;
  for (const n of NAMES) if (exists(r.path(n)) && statSync(r.path(n)).isFile() && r.read(n).includes('BAD')) r.write(n, 'fine\n');
  for (const raw of RAW) rmSync(Buffer.concat([Buffer.from(r.dir + '/'), raw]), { force: true });
  r.write('.env', 'ok\n');
  r.gitResult(['checkout', '-q', '--', '.heph.json', 'base.json']);
  r.write('.heph.json', JSON.stringify(config(), null, 2));
  rmSync(r.path('base.json'), { force: true });
  writeFileSync(r.path('base.json'), JSON.stringify(BASE));
  r.gitResult(['add', '-u']);
  r.gitResult(['-C', 'sub', 'checkout', '-q', '--', '.']);
  if (readFileSync(r.path('sub/in.txt'), 'utf8').includes('BAD')) r.write('sub/in.txt', 'fine\n');
  r.write('.gitignore', '*.log\n.env\n');
  for (const k of ['MODE', 'GIT_INDEX_FILE', 'HEPH_CONCURRENCY', 'HEPH_SKIP']) delete w.env[k];
  // A config that includes another makes the replay list untracked files with git: not for ever.
  r.gitResult(['config', '--unset-all', 'include.path']);
  for (const f of ['a.txt', 'w.txt']) if (existsSync(join(w.wt, f))) writeFileSync(join(w.wt, f), 'fine\n');
  spawnSync('git', ['add', '-A'], { cwd: w.wt, env: r.env });
  return 'heal';
}

function damageRecord(w: World, how: number): string {
  const files = recordFiles(w);
  if (!files.length) return 'no record to damage';
  const f = files[0];
  const text = readFileSync(f);
  if (how === 0) writeFileSync(f, text.subarray(0, text.length >> 1));
  else if (how === 1) {
    // The record's JSON (its last line, after any header lines) still parses: one leaf changed.
    const lines = text.toString('utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('{'));
    if (at < 0) return 'record holds no JSON';
    const doc = JSON.parse(lines[at]);
    const leaves: [any, string][] = [];
    const walk = (o: any) => {
      for (const k of Object.keys(o)) typeof o[k] === 'object' && o[k] !== null ? walk(o[k]) : leaves.push([o, k]);
    };
    walk(doc);
    if (!leaves.length) return 'record has no leaf';
    const [o, k] = leaves[Math.floor((text.length * 7919) % leaves.length)];
    o[k] = typeof o[k] === 'number' ? o[k] + 1 : typeof o[k] === 'string' ? o[k] + 'x' : !o[k];
    lines[at] = JSON.stringify(doc);
    writeFileSync(f, lines.join('\n'));
    return `record leaf ${k} edited`;
  } else if (how === 2 && w.saved.length) writeFileSync(f, w.saved[0]);
  else if (how === 3) {
    const theirs = join(w.other, '.git', 'heph', 'replay');
    if (!existsSync(theirs)) return 'no foreign record';
    // The other repository's record under this worktree's record name.
    const theirRecord = readdirSync(theirs).find((t) => t.endsWith('.json'));
    if (!theirRecord) return 'no foreign record';
    writeFileSync(f, readFileSync(join(theirs, theirRecord)));
  } else rmSync(f);
  return `record damaged (${how})`;
}

function mutate(w: World, rand: () => number): string {
  const { r } = w;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const op = rand() < 0.06 ? 38 : Math.floor(rand() * 46);
  switch (op) {
    case 0:
    case 1:
    case 2:
      if (exists(r.path(name)) && !statSync(r.path(name)).isFile()) return 'nothing';
      r.write(name, rand() < 0.7 ? pick(GOOD) : pick(BAD));
      return `write ${JSON.stringify(name)}`;
    case 3:
      if (!exists(r.path(name))) return 'nothing';
      r.gitResult(['add', '--', name]);
      return `stage ${JSON.stringify(name)}`;
    case 4:
      r.gitResult(['add', '-A']);
      return 'stage all';
    case 5:
      r.gitResult(['commit', '-q', '--no-verify', '-m', 'step']);
      return 'commit';
    case 6: {
      // An untracked file rewritten with the same size, its times put back.
      const f = r.path(pick(['ign/n.md', 'u/v.txt', 'notes']));
      if (!exists(f) || !statSync(f).isFile()) return 'nothing';
      const st = statSync(f);
      const now = readFileSync(f, 'utf8');
      writeFileSync(f, now.includes('BAD') ? now.replace('BAD', 'OK!') : now.length >= 4 ? 'BAD\n' + '-'.repeat(now.length - 4) : now);
      utimesSync(f, st.atime, st.mtime);
      return `same size, same mtime rewrite of ${f.slice(r.dir.length + 1)}`;
    }
    case 7: {
      const where = pick(['.gitignore', '.git/info/exclude', 'excludesFile', 'home', 'include']);
      const lines = [rand() < 0.8 ? '*.log' : '*.tmp', '.env', ...['ign/', 'u/', '*.md', 'notes', 'r*'].filter(() => rand() < 0.3)];
      const file = join(r.base, `ignore-${where}`);
      if (where === '.gitignore' || where === '.git/info/exclude') r.write(where, lines.join('\n') + '\n');
      else {
        writeFileSync(file, lines.slice(2).join('\n') + '\n');
        if (where === 'excludesFile') r.git('config', 'core.excludesFile', file);
        else if (where === 'home') {
          // As a dotfile manager links them: ~/.gitconfig and the excludes file it names are symlinks, the targets edited.
          mkdirSync(join(r.base, 'dotfiles'), { recursive: true });
          writeFileSync(join(r.base, 'dotfiles', 'ignore'), lines.slice(2).join('\n') + '\n');
          writeFileSync(join(r.base, 'dotfiles', 'gitconfig'), `[core]\n\texcludesFile = ${join(r.base, 'ignore-link')}\n`);
          if (!exists(join(r.base, 'ignore-link'))) symlinkSync('dotfiles/ignore', join(r.base, 'ignore-link'));
          rmSync(join(r.base, '.gitconfig'), { force: true });
          symlinkSync('dotfiles/gitconfig', join(r.base, '.gitconfig'));
        }
        else {
          writeFileSync(join(r.base, 'included'), `[core]\n\texcludesFile = ${file}\n`);
          r.git('config', 'include.path', join(r.base, 'included'));
        }
      }
      return `ignore rules in ${where}: ${lines.join(' ')}`;
    }
    case 8:
      r.gitResult(['reset', '-q', '--soft', 'HEAD~1']);
      return 'reset --soft HEAD~1';
    case 9: {
      // Another branch, same index.
      const target = pick(['main', 'other', 'third']);
      if (!r.gitResult(['rev-parse', '-q', '--verify', `refs/heads/${target}`]).stdout) r.gitResult(['branch', target, pick(['HEAD', 'HEAD~1'])]);
      r.git('symbolic-ref', 'HEAD', `refs/heads/${target}`);
      return `HEAD names ${target}`;
    }
    case 10:
      r.gitResult(['checkout', '-q', '--detach']);
      return 'detached HEAD';
    case 11:
      r.git('pack-refs', '--all');
      if (rand() < 0.5) {
        // The ref HEAD names moved, and packed again: no loose file ever shows it.
        const ref = r.gitResult(['symbolic-ref', '-q', 'HEAD']).stdout.trim();
        if (ref) r.gitResult(['update-ref', ref, 'HEAD~1']);
        r.git('pack-refs', '--all');
        return `pack-refs, ${ref || 'HEAD'} moved back, packed again`;
      }
      return 'pack-refs --all';
    case 12: {
      // As `git commit -a` / `git commit <path>` do: another index file.
      const alt = join(r.base, 'alt-index');
      writeFileSync(alt, readFileSync(join(r.dir, '.git', 'index')));
      r.gitResult(['add', '--', name], { env: { GIT_INDEX_FILE: alt } });
      w.env.GIT_INDEX_FILE = alt;
      return `GIT_INDEX_FILE with ${JSON.stringify(name)} added`;
    }
    case 13:
      delete w.env.GIT_INDEX_FILE;
      return 'GIT_INDEX_FILE unset';
    case 14:
      w.env.MODE = pick(['good', 'bad', '']);
      return `MODE=${w.env.MODE}`;
    case 15: {
      const v = pick(['HEPH_SKIP', 'HEPH_SKIP_TESTS', 'HEPH_FAST', 'HEPH_AUTO_FIX', 'NO_COLOR', 'FORCE_COLOR', 'HEPH_CONCURRENCY']);
      w.env[v] = w.env[v] === undefined ? pick(['lit', '1', '0']) : undefined;
      return `${v}=${w.env[v]}`;
    }
    case 16:
      r.write('.heph.json', JSON.stringify(config([{ name: 'extra', run: 'false' }])));
      return 'unstaged config adds a failing check';
    case 17:
      r.write('.heph.json', JSON.stringify(config([{ name: 'extra', shell: true, run: '! grep -qs -e BA[D] cfg.ini', inputs: ['cfg.ini'] }])));
      r.gitResult(['add', '.heph.json']);
      return 'staged config adds a check';
    case 18:
      r.write('.heph.json', '{"phases": [');
      return 'broken unstaged config';
    case 19: {
      const b = JSON.parse(JSON.stringify(BASE));
      b.phases[0].checks[0].run = pick(['false', 'true', '! grep -qs -e BA[D] cfg.ini']);
      writeFileSync(r.path('base.json'), JSON.stringify(b));
      if (rand() < 0.5) {
        r.gitResult(['add', 'base.json']);
        return `staged extends file: ${b.phases[0].checks[0].run}`;
      }
      return `unstaged extends file: ${b.phases[0].checks[0].run}`;
    }
    case 20:
      w.now += pick([1_000, 61_000, 30 * 60_000, 2 * 3_600_000]);
      return `clock +${w.now - T0}`;
    case 21:
      r.heph(['cache', 'clear', ...(rand() < 0.5 ? ['ttl'] : [])], { cwd: w.cwd, env: { ...w.env, HEPH_NOW: String(w.now) } });
      return 'cache clear';
    case 22: {
      // A run lock held by a live process (this one).
      const lock = JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now() - 1000, token: 'held', command: 'run' });
      writeFileSync(join(stateDir(w), 'run.lock'), lock);
      return 'run lock held';
    }
    case 23: {
      // A killed pre-commit, with unstaged work aside.
      r.write('notes', `unstaged ${rand()}\n`);
      if (!r.git('ls-files', '--', 'notes')) r.git('add', 'notes');
      r.write('notes', `unstaged work ${rand()}\n`);
      const k = hook(w, { KILL: '1' });
      return `killed pre-commit (exit ${k.code})`;
    }
    case 24: {
      const how = Math.floor(rand() * 3);
      const s = join(stateDir(w), 'state.sqlite');
      if (how === 0) for (const x of ['', '-wal', '-shm']) rmSync(s + x, { force: true });
      else if (how === 1 && existsSync(s)) writeFileSync(s, readFileSync(s).subarray(0, 100));
      else if (existsSync(s)) writeFileSync(s, Buffer.alloc(4096, 7));
      return `store damaged (${how})`;
    }
    case 25:
    case 26:
      return damageRecord(w, Math.floor(rand() * 5));
    case 27:
      w.cwd = w.cwd === r.dir ? w.wt : r.dir;
      return `hooks run in ${w.cwd === r.dir ? 'the main worktree' : 'the linked worktree'}`;
    case 28: {
      writeFileSync(join(w.wt, pick(['a.txt', 'w.txt'])), pick([...GOOD, ...BAD]));
      spawnSync('git', ['add', '-A'], { cwd: w.wt, env: r.env });
      return 'staged in the linked worktree';
    }
    case 29: {
      const inSub = (...a: string[]) => r.gitResult(['-C', 'sub', ...a]);
      r.write('sub/in.txt', pick([...GOOD, ...BAD]));
      if (rand() < 0.5) {
        inSub('commit', '-q', '-am', 'sub step');
        return 'commit inside the submodule';
      }
      return 'unstaged edit inside the submodule';
    }
    case 30:
      r.gitResult(['add', 'sub']);
      return 'submodule staged';
    case 31: {
      rmSync(r.path('ln.lnk'), { force: true });
      const to = pick(['a.txt', 'd/b.txt', 'notes', 'gone']);
      symlinkSync(to, r.path('ln.lnk'));
      return `symlink to ${to}`;
    }
    case 32:
      r.git('config', 'core.autocrlf', pick(['true', 'false', 'input']));
      return 'core.autocrlf changed';
    case 33: {
      // Non-UTF-8 names: one renamed to the other (the same name once decoded).
      const [from, to] = rand() < 0.5 ? RAW : [RAW[1], RAW[0]];
      const p = (b: Buffer) => Buffer.concat([Buffer.from(r.dir + '/'), b]);
      const content = rand() < 0.5 ? 'fine\n' : 'BAD\n';
      rmSync(p(from), { force: true });
      writeFileSync(p(to), content);
      return `non-UTF-8 name written (${content.trim()})`;
    }
    case 34:
      r.write('.env', pick(['ok\n', 'BAD\n', 'ok!\n']));
      return 'ignored literal input edited';
    case 35:
      w.env.HEPH_HOME = w.env.HEPH_HOME ? undefined : join(r.base, 'heph-home');
      return `HEPH_HOME=${w.env.HEPH_HOME}`;
    case 36: {
      const f = r.path(pick(['ign/n.md', 'u/v.txt', 'ign/m.txt']));
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, pick([...GOOD, ...BAD]));
      return `untracked ${f.slice(r.dir.length + 1)}`;
    }
    case 37: {
      for (const f of recordFiles(w)) w.saved.push(readFileSync(f));
      return 'record saved';
    }
    case 38: {
      // The extends file turned into a symlink to one of two layers, or back into a file (unstaged).
      rmSync(r.path('base.json'), { force: true });
      const to = pick(['base-good.json', 'base-bad.json', 'file']);
      if (to === 'file') writeFileSync(r.path('base.json'), JSON.stringify(BASE));
      else symlinkSync(to, r.path('base.json'));
      if (rand() < 0.5) {
        r.gitResult(['add', 'base.json']);
        return `base.json -> ${to}, staged`;
      }
      return `base.json -> ${to}`;
    }
    case 39: {
      // As git 2.40+ with index.skipHash writes it: no checksum.
      const idx = w.env.GIT_INDEX_FILE ?? join(r.dir, '.git', 'index');
      if (!existsSync(idx)) return 'nothing';
      const buf = readFileSync(idx);
      buf.fill(0, buf.length - 20);
      writeFileSync(idx, buf);
      return 'index checksum zeroed';
    }
    case 40: {
      const flag = pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']);
      r.gitResult(['update-index', flag, '--', name]);
      return `${flag} ${JSON.stringify(name)}`;
    }
    case 41:
      r.write('ita.txt', pick([...GOOD, ...BAD]));
      r.gitResult(['add', '-N', 'ita.txt']);
      return 'intent-to-add';
    case 42:
      r.heph(['run', '--fast', '--no-fix'], { cwd: w.cwd, env: { ...w.env, HEPH_NOW: String(w.now) } });
      return 'heph run --fast';
    case 43:
      w.now += pick([40_000, 50_000]);
      return `clock +${w.now - T0}`;
    default:
      return heal(w);
  }
}

/** The live lock of case 22 goes at the end of its step (a killed run's stale lock stays). */
function releaseHeld(w: World): void {
  const lock = join(stateDir(w), 'run.lock');
  try {
    if (JSON.parse(readFileSync(lock, 'utf8')).token === 'held') rmSync(lock);
  } catch {
    // absent or not ours
  }
}

let replays = 0;
for (const seed of SEEDS) {
  test(`seed ${seed}: ${STEPS} random changes; each replay agrees with a full run on the same state`, () => {
    const w = setup();
    const rand = rng(seed);
    const history: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      history.push(mutate(w, rand));
      const label = `seed ${seed} step ${step}; changes: ${history.join(' | ')}`;
      const before = treePrint(w.r);
      const a = hook(w);
      assert.not.match(a.stderr, /unexpected error|\n\s+at /, `${label}\n${a.stderr}`);
      if (replayed(a)) {
        replays++;
        assert.is(treePrint(w.r), before, `${label}: the replay changed the working tree, the index or .git`);
      }
      const full = hook(w, { HEPH_REPLAY: '0', HEPH_DEBUG: undefined });
      if (process.env.HEPH_REPLAY_TRACE) console.log(step, history[history.length - 1], '→', replayed(a) ? 'replayed' : 'ran', full.code, JSON.stringify(checkStatuses(full.stdout)), full.stderr.slice(0, 200));
      if (replayed(a)) {
        const why = disagreement(a, full);
        assert.is(why, null, `${label}: stale replay: ${why}\n${describe(a, full)}`);
      }
      // Primes a record for the next change (the full run may have made the last one stale).
      const again = hook(w);
      if (replayed(again)) {
        replays++;
        const why = disagreement(again, full);
        assert.is(why, null, `${label} (again): stale replay: ${why}\n${describe(again, full)}`);
      }
      releaseHeld(w);
      if (rand() < 0.25) history.push(heal(w));
    }
    assert.ok(replays > 0, 'no run ever replayed: the property was never exercised');
  });
}

test.run();
