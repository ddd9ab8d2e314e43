/**
 * Property test of the digest memo (state/digest-memo.ts): seeded random edits
 * git's lists do and do not show (content, modes, symlinks, type changes,
 * untracked directories, ignore rules in .gitignore, info/exclude and
 * core.excludesFile, assume-unchanged / skip-worktree, staging, commits, memo
 * damage) interleaved with `heph run --fast` (with and without fixes, of one
 * phase or all, the same snapshot twice), dry runs and pre-commits. After every
 * run, each check reported is run for real on what is on disk: green must pass,
 * red must fail. HEPH_MEMO_SEED picks another seed; HEPH_MEMO_STEPS runs longer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, statuses, repoPool } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const memoFile = (r: Repo) => join(r.dir, '.git', 'heph', 'digests.json');

const STEPS = Number(process.env.HEPH_MEMO_STEPS ?? 45);
const SEEDS = process.env.HEPH_MEMO_SEED ? [Number(process.env.HEPH_MEMO_SEED)] : [11, 12];

/** Every selected file of a files check, as heph selects them: tracked, present, regular (no symlink). */
const EACH = (test: string) => `git ls-files -z -- "$0" | xargs -0 -r sh -c 'for f; do if [ -f "$f" ] && [ ! -L "$f" ] && { ${test}; }; then exit 1; fi; done; exit 0' x`;

const CHECKS = [
  // Phase a: a per-file check, then a fixer of the same files whose fix writes what the first one rejects.
  { phase: 'a', check: { name: 'txt', shell: true, run: '! grep -l -e BAD -- {files}', files: ['**/*.txt'] }, truth: ['*.txt', 'grep -q -e BAD -- "$f"'] },
  { phase: 'a', check: { name: 'tl', shell: true, run: '! grep -l -e lower -- {files}', fix: "sed -i -e 's/lower/BAD/' -e 's/BAD$/&2/' -- {files}", files: ['**/*.txt'] }, truth: ['*.txt', 'grep -q -e lower -- "$f"'] },
  // Per-file with a shared input.
  {
    phase: 'a',
    check: { name: 'md', shell: true, run: 'for f in {files}; do if grep -q STRICT cfg.ini && grep -q -e lax -- "$f"; then exit 1; fi; done', files: ['**/*.md'], inputs: ['**/*.md', 'cfg.ini'] },
    truth: ['*.md', 'grep -q STRICT cfg.ini 2>/dev/null && grep -q -e lax -- "$f"'],
  },
  // (.heph.json itself is among what `all` reads: no command here spells its pattern whole.)
  // Phase b: whole-repository checks over what git lists (so ignore rules matter), modes and symlink targets.
  { phase: 'b', check: { name: 'all', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl -e BA[D]2 --)"' } },
  { phase: 'b', check: { name: 'up', shell: true, run: '! grep -l -e lower -- {files}', fix: "sed -i -e 's/lower/BAD/' -e 's/BAD$/&2/' -- {files}", files: ['**/*.up'] }, truth: ['*.up', 'grep -q -e lower -- "$f"'] },
  {
    phase: 'b',
    check: { name: 'sh', shell: true, run: 'for f in {files}; do if [ -x "$f" ] && ! head -1 -- "$f" | grep -q "^#!"; then exit 1; fi; done', files: ['**/*.sh'], incremental: false },
    truth: ['*.sh', '[ -x "$f" ] && ! head -1 -- "$f" | grep -q "^#!"'],
  },
  { phase: 'b', check: { name: 'lnk', shell: true, run: 'for f in $(git ls-files -co --exclude-standard -- "*.lnk"); do case "$(readlink "$f")" in *bad*) exit 1;; esac; done', inputs: ['**/*.lnk'] } },
];

/** The real verdict of a check on the working tree now. */
function truth(r: Repo, c: (typeof CHECKS)[number]): boolean {
  const script = c.truth ? EACH(c.truth[1]) : c.check.run;
  return spawnSync('sh', ['-c', script, c.truth?.[0] ?? 'x'], { cwd: r.dir, env: r.env }).status === 0;
}

const RAW = Buffer.from([0x72, 0xff, 0x2e, 0x74, 0x78, 0x74]); // r\xff.txt: not UTF-8
const NAMES = ['a.txt', 'd/b.txt', 'sp ace.txt', 'nl\nname.txt', '-dash.txt', 'x.md', 'd/e/y.md', 'p.up', 'd/q.up', 'run.sh', 'd/tool.sh', 'notes', 'cfg.ini'];
const CONTENT = ['fine\n', 'BAD\n', 'BAD2\n', 'lower\n', 'upper\n', '# lax\n', '#!/bin/sh\n', 'mode=STRICT\n', 'mode=loose\n', 'x\n'];
/** Content that matters to the checks reading a name, half the time. */
const BY_EXT: Record<string, string[]> = {
  txt: ['fine\n', 'BAD\n', 'lower\n', 'BAD2\n'],
  md: ['# lax\n', '# fine\n'],
  up: ['lower\n', 'upper\n'],
  sh: ['#!/bin/sh\n', 'echo no shebang\n'],
  ini: ['mode=STRICT\n', 'mode=loose\n'],
};
const contentFor = (name: string, rand: () => number): string => {
  const own = BY_EXT[name.split('.').pop()!];
  const pool = own && rand() < 0.5 ? own : CONTENT;
  return pool[Math.floor(rand() * pool.length)];
};
const IGNORES = ['*.log', 'u/', 'ign.txt', '*.md', 'notes', 'd/'];

/** Whether anything is at the path (a dangling or looping symlink too). */
function present(r: Repo, name: string): boolean {
  try {
    lstatSync(r.path(name));
    return true;
  } catch {
    return false;
  }
}

function writeRaw(r: Repo, content: string): void {
  writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), RAW]), content);
}

function damageMemo(r: Repo, how: number): string {
  const f = memoFile(r);
  let memo: any;
  try {
    memo = JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    memo = undefined;
  }
  rmSync(f, { recursive: true, force: true });
  mkdirSync(join(f, '..'), { recursive: true });
  if (how === 0) writeFileSync(f, '{"v":2,"entries":[');
  else if (how === 1) mkdirSync(f);
  else if (how === 2) symlinkSync(join(r.base, 'gone'), f);
  else if (how === 3) writeFileSync(f, Buffer.alloc(64));
  else if (how === 4 && memo) {
    // Still JSON, still the shape: every size altered to 0.
    for (const e of memo.entries ?? []) for (const k of Object.keys(e.digests ?? {})) e.digests[k][1] = 0;
    writeFileSync(f, JSON.stringify(memo));
  }
  return `memo damaged (${how})`;
}

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const op = Math.floor(rand() * 17);
  switch (op) {
    case 0:
    case 1:
    case 2:
      if (present(r, name) && !lstatSync(r.path(name)).isFile()) r.remove(name);
      r.write(name, contentFor(name, rand));
      return `write ${JSON.stringify(name)}`;
    case 3:
      if (!present(r, name)) return 'nothing';
      r.remove(name);
      return `remove ${JSON.stringify(name)}`;
    case 4:
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      r.write(name, r.read(name), pick([0o644, 0o755]));
      return `chmod ${JSON.stringify(name)}`;
    case 5: {
      // A symlink made or retargeted; sometimes over a tracked regular file (a type change).
      const link = pick(['k.lnk', 'd/m.lnk', 'a.txt', 'x.md']);
      rmSync(r.path(link), { recursive: true, force: true });
      mkdirSync(join(r.path(link), '..'), { recursive: true });
      symlinkSync(pick(['good', 'bad', 'p.up', 'a.txt']), r.path(link));
      return `symlink ${link}`;
    }
    case 6:
      r.write(`u/v/n${Math.floor(rand() * 3)}.${pick(['txt', 'md', 'log', 'up'])}`, pick(CONTENT));
      return 'untracked file in an untracked directory';
    case 7: {
      const lines = IGNORES.filter(() => rand() < 0.3);
      const where = pick(['.gitignore', '.git/info/exclude', 'global']);
      if (where === 'global') {
        writeFileSync(join(r.base, 'global-ignore'), lines.join('\n') + '\n');
        r.git('config', 'core.excludesFile', join(r.base, 'global-ignore'));
      } else r.write(where, lines.join('\n') + '\n');
      return `${where}: ${lines.join(' ')}`;
    }
    case 8:
      r.gitResult(['add', '-A']);
      return 'stage all';
    case 9:
      if (!present(r, name)) return 'nothing';
      r.gitResult(['add', '--', name]);
      // Rewritten at once with the same size: the racy-timestamp case git must catch by content.
      if (rand() < 0.5 && lstatSync(r.path(name)).isFile()) {
        const now = r.read(name);
        const same = CONTENT.filter((c) => c.length === now.length && c !== now);
        if (same.length) r.write(name, pick(same));
      }
      return `stage ${JSON.stringify(name)} (then maybe rewritten)`;
    case 10:
      r.gitResult(['add', '-A']);
      r.gitResult(['commit', '-q', '--no-verify', '-m', 'step']);
      return 'commit';
    case 11:
      writeRaw(r, pick(CONTENT));
      return 'write non-UTF-8 name';
    case 12:
      return damageMemo(r, Math.floor(rand() * 5));
    case 13: {
      // A tracked file turned into a directory.
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      r.remove(name);
      r.write(`${name}/inner.txt`, pick(CONTENT));
      return `file to directory ${JSON.stringify(name)}`;
    }
    case 14: {
      // Changed and changed back between two runs (same bytes, new timestamps).
      if (!present(r, name) || !lstatSync(r.path(name)).isFile()) return 'nothing';
      const before = r.read(name);
      r.write(name, 'BAD2 lower BAD\n');
      r.hephJson(['run', '--fast', '--no-fix']);
      r.write(name, before);
      return `changed and back ${JSON.stringify(name)}`;
    }
    case 15: {
      // git told not to look at a tracked file (or to look again).
      const flag = pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']);
      r.gitResult(['update-index', flag, '--', name]);
      return `${flag} ${JSON.stringify(name)}`;
    }
    default:
      r.remove('u');
      return 'untracked directory removed';
  }
}

/** How often each check was seen green and red, so the property test cannot pass by never seeing either. */
const outcomes = new Map<string, Set<boolean>>();

function verify(r: Repo, report: { checks: { phase: string; name: string; status: string }[] }, label: string, only?: string[]): void {
  const got = statuses(report);
  for (const c of CHECKS) {
    if (only && !only.includes(c.check.name)) continue;
    const status = got[`${c.phase}/${c.check.name}`];
    if (status === undefined || status === 'not-run') continue;
    const green = ['passed', 'cached', 'fixed', 'skipped'].includes(status);
    const real = truth(r, c);
    if (!outcomes.has(c.check.name)) outcomes.set(c.check.name, new Set());
    outcomes.get(c.check.name)!.add(real);
    const seen = JSON.stringify(report.checks.find((k) => k.phase === c.phase && k.name === c.check.name));
    assert.is(green, real, `${label}: ${c.phase}/${c.check.name} was ${status} but really ${real ? 'passes' : 'fails'}\n${seen}`);
  }
}

for (const seed of SEEDS) {
  test(`seed ${seed}: ${STEPS} random edits git's lists do and do not show, with runs and pre-commits: green is never wrong, red never invented`, () => {
    const r = repo();
    for (const n of NAMES) r.write(n, n.endsWith('.sh') ? '#!/bin/sh\n' : 'fine\n');
    r.write('.gitignore', '*.log\n');
    const phases = ['a', 'b'].map((name) => ({ name, checks: CHECKS.filter((c) => c.phase === name).map((c) => c.check) }));
    r.config({ phases, hooks: { 'pre-commit': { phases: ['a', 'b'] } } });
    r.commitAll('init');
    const rand = rng(seed);
    const history: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      history.push(mutate(r, rand));
      const label = () => `seed ${seed} step ${step}; edits: ${history.join(', ')}`;
      const kind = rand();
      if (kind < 0.2) {
        r.gitResult(['add', '-A']);
        const res = r.hephJson(['hook', 'run', 'pre-commit']);
        assert.not.match(res.stderr, /unexpected error|\n\s+at /, res.stderr);
        history.push('pre-commit');
        // Everything is staged: the whole-repository checks saw what is on disk (unless git was told not
        // to look at some file: then disk and index may differ, and the commit is of the index).
        if (!/^[hsS] /m.test(r.git('ls-files', '-v'))) verify(r, res.report, label(), ['all', 'lnk']);
        continue;
      }
      if (kind < 0.3) {
        const before = existsSync(memoFile(r)) && lstatSync(memoFile(r)).isFile() ? readFileSync(memoFile(r), 'utf8') : null;
        const dry = r.heph(['run', '--fast', '--dry-run']);
        assert.not.match(dry.stderr, /unexpected error|\n\s+at /, dry.stderr);
        const after = existsSync(memoFile(r)) && lstatSync(memoFile(r)).isFile() ? readFileSync(memoFile(r), 'utf8') : null;
        assert.is(after, before, `${label()}: --dry-run wrote the memo`);
        history.push('dry-run');
        continue;
      }
      // A failure in phase a leaves phase b not run: some runs are of phase b alone.
      const args = [...(kind < 0.45 ? ['--no-fix'] : []), ...(rand() < 0.35 ? ['--phase', 'b'] : [])];
      const res = r.hephJson(['run', '--fast', ...args]);
      assert.not.match(res.stderr, /unexpected error|\n\s+at /, res.stderr);
      history.push(`run --fast ${args.join(' ')}`);
      verify(r, res.report, label());
      if (process.env.HEPH_MEMO_TALLY) console.log(step, JSON.stringify(statuses(res.report)));
      if (rand() < 0.35) {
        // The same snapshot again (unless a fix changed it): planned from the memo.
        const again = r.hephJson(['run', '--fast', '--no-fix']);
        history.push('again');
        verify(r, again.report, label());
      }
    }
    const both = [...outcomes].filter(([, o]) => o.size === 2).map(([n]) => n);
    assert.ok(both.length >= 1, `checks seen both passing and failing: ${both.join(', ')}`);
  });
}

test.run();
