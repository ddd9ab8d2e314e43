/**
 * Mutation test of the cache: seeded random edits to a repository's inputs
 * (content, deletions, new untracked files, staging, commits, a shared config,
 * modes), each followed by `heph run --fast` or a pre-commit run. After every
 * `heph run --fast`, each check is also run for real on everything: heph's
 * verdict (cached or passed means green) must equal the real one.
 * HEPH_MUTATION_SEED picks another seed; HEPH_MUTATION_STEPS runs longer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Repo, statuses, repoPool } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const STEPS = Number(process.env.HEPH_MUTATION_STEPS ?? 40);
const SEEDS = process.env.HEPH_MUTATION_SEED ? [Number(process.env.HEPH_MUTATION_SEED)] : [1, 2];

const CHECKS = [
  // Per-file: a text file must not contain BAD.
  { name: 'txt', shell: true, run: '! grep -l BAD {files}', files: ['*.txt'] },
  // Per-file with a shared input: under STRICT in cfg.ini, no markdown file may say lax.
  { name: 'md', shell: true, run: 'for f in {files}; do if grep -q STRICT cfg.ini && grep -q lax "$f"; then exit 1; fi; done', files: ['*.md'], inputs: ['*.md', 'cfg.ini'] },
  // Whole repository, default inputs: no tracked or untracked, non-ignored file may contain BAD2.
  { name: 'all', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl BAD2)"' },
  // Whole check over a file list: an executable .sh file must start with a shebang.
  { name: 'sh', shell: true, run: 'for f in {files}; do if [ -x "$f" ] && ! head -1 "$f" | grep -q "^#!"; then exit 1; fi; done', files: ['*.sh'], incremental: false },
];

/** The real verdict of a check on the working tree, over every file it would be given. */
function truth(r: Repo, check: (typeof CHECKS)[number]): boolean {
  let files: string[] = [];
  if (check.files) {
    const tracked = r.git('ls-files', '-z').split('\0').filter(Boolean);
    const ext = check.files[0].slice(1);
    files = tracked.filter((f) => f.endsWith(ext) && r.exists(f));
    if (!files.length) return true; // skipped: no matching files
  }
  const script = check.run.replaceAll('{files}', '"$@"');
  return spawnSync('sh', ['-c', script, 'heph', ...files], { cwd: r.dir }).status === 0;
}

const NAMES = ['a.txt', 'b.txt', 'd/c.txt', 'x.md', 'd/y.md', 'run.sh', 'tool.sh', 'notes'];
const CONTENT: Record<string, string[]> = {
  txt: ['fine\n', 'BAD\n', 'BAD2\n', 'ok\nok\n'],
  md: ['# lax\n', '# strict\n', 'BAD2\n', '# fine\n'],
  sh: ['#!/bin/sh\n', 'echo no shebang\n', 'BAD2\n'],
  '': ['x\n', 'BAD2\n', 'BAD\n'],
};

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(NAMES);
  const ext = name.includes('.') ? name.split('.').pop()! : '';
  const op = Math.floor(rand() * 9);
  if (op <= 2) {
    r.write(name, pick(CONTENT[ext] ?? CONTENT['']));
    return `write ${name}`;
  }
  if (op === 3 && r.exists(name)) {
    r.remove(name);
    return `remove ${name}`;
  }
  if (op === 4) {
    r.write(`new${Math.floor(rand() * 3)}.${pick(['txt', 'md', 'log'])}`, pick(['BAD\n', 'BAD2\n', '# lax\n', 'ok\n']));
    return 'untracked file';
  }
  if (op === 5) {
    r.git('add', '-A');
    return 'stage all';
  }
  if (op === 6) {
    r.git('add', '-A');
    r.gitResult(['commit', '-q', '--no-verify', '-m', 'step']);
    return 'commit';
  }
  if (op === 7) {
    r.write('cfg.ini', pick(['mode=STRICT\n', 'mode=loose\n']));
    return 'cfg.ini';
  }
  if (r.exists(name)) {
    r.write(name, r.read(name), pick([0o644, 0o755]));
    return `chmod ${name}`;
  }
  return 'nothing';
}

for (const seed of SEEDS) {
  test(`seed ${seed}: after ${STEPS} random edits, a green check is never one that fails when run`, () => {
    const r = repo();
    for (const n of NAMES) r.write(n, n.endsWith('.sh') ? '#!/bin/sh\n' : 'fine\n');
    r.write('cfg.ini', 'mode=loose\n').write('.gitignore', '*.log\n');
    r.config({ phases: [{ name: 'q', checks: CHECKS }] });
    r.commitAll('init');
    const rand = rng(seed);
    const history: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      history.push(mutate(r, rand));
      if (rand() < 0.3) {
        r.git('add', '-A');
        r.heph(['hook', 'run', 'pre-commit']); // certifies staged content; its verdict is checked by the next run
        history.push('pre-commit');
        continue;
      }
      const res = r.hephJson(['run', '--fast', '--no-fix']);
      const got = statuses(res.report);
      for (const check of CHECKS) {
        const status = got[`q/${check.name}`];
        const green = status === 'passed' || status === 'cached' || status === 'skipped';
        const real = truth(r, check);
        if (status === 'not-run') continue; // an earlier failure in the phase does not stop others, but be safe
        assert.is(green, real, `seed ${seed} step ${step}: q/${check.name} was ${status} but really ${real ? 'passes' : 'fails'}; edits: ${history.join(', ')}`);
      }
    }
  });
}

test.run();
