/**
 * Property test of heph's own read of the index (lib/git/index-file.ts,
 * index-facts.ts, snapshot.ts) under another git process: seeded random edits
 * of the working tree and the index, and index formats (versions 2-4, split,
 * untracked cache, assume-unchanged, skip-worktree, intent-to-add, entries
 * that differ from the disk), then `heph run --fast` while another git
 * command changes the index (only the index: never a file a check reads) at a
 * chosen moment of heph's reads. A second run, alone, must then be right:
 * each check reported is run for real on the working tree, and green must
 * pass, red must fail. HEPH_INDEX_SEED picks another seed; HEPH_INDEX_STEPS
 * runs longer.
 *
 * The moment is chosen without timing: a `git` earlier on PATH runs the real
 * git, and once, when its arguments hold the chosen command, first runs the
 * writer (real git) in the repository.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { random as rng } from '../helpers/proc.js';

const repo = repoPool(test);
const STEPS = Number(process.env.HEPH_INDEX_STEPS ?? 30);
const SEEDS = process.env.HEPH_INDEX_SEED ? [Number(process.env.HEPH_INDEX_SEED)] : [21, 22];

/** Every tracked file git lists under `glob` that is a regular file on disk: what heph gives a files check in a run. */
const EACH = (test: string) => `git ls-files -z -- "$0" | xargs -0 -r sh -c 'for f; do if [ -f "$f" ] && [ ! -L "$f" ] && { ${test}; }; then exit 1; fi; done; exit 0' x`;

const CHECKS = [
  { name: 'txt', check: { name: 'txt', shell: true, run: '! grep -l -e BAD -- {files}', files: ['**/*.txt'] }, truth: EACH('grep -q -e BAD -- "$f"'), arg: '*.txt' },
  { name: 'md', check: { name: 'md', shell: true, run: '! grep -l -e lax -- {files}', files: ['**/*.md'], incremental: false }, truth: EACH('grep -q -e lax -- "$f"'), arg: '*.md' },
  { name: 'ini', check: { name: 'ini', shell: true, run: '! grep -qs STRICT cfg.ini', inputs: ['cfg.ini'] }, truth: '! grep -qs STRICT cfg.ini', arg: 'x' },
  // Reads every file on disk (nothing is ignored here): its default inputs are every tracked and untracked file.
  { name: 'all', check: { name: 'all', shell: true, run: '! grep -rqs --exclude-dir=.git -e "BA[D]2" .' }, truth: '! grep -rqs --exclude-dir=.git -e "BA[D]2" .', arg: 'x' },
];

const NAMES = ['a.txt', 'd/b.txt', 'd/e/c.txt', 'sp ace.txt', 'nl\nname.txt', '-dash.txt', 'x.md', 'd/y.md', 'cfg.ini', 'notes', 'constructor'];
/** Names edited: cfg.ini, one file read by one check, as often as the rest. */
const EDITED = [...NAMES, 'cfg.ini', 'cfg.ini'];
/** The last one is also the blob the writers put in the index under other names. */
const BAD_BLOB = 'BAD\nBAD2\n# lax\nmode=STRICT\n';
const CONTENT = ['fine\n', 'BAD\n', 'BAD2\n', '# lax\n', 'mode=STRICT\n', 'mode=loose\n', 'x\n', BAD_BLOB];
const BY_EXT: Record<string, string[]> = { txt: ['fine\n', 'BAD\n', 'BAD2\n'], md: ['# lax\n', '# fine\n'], ini: ['mode=STRICT\n', 'mode=loose\n'] };

/** Commands that change the index and nothing else. */
const WRITERS: ((pick: <T>(xs: readonly T[]) => T) => string[])[] = [
  () => ['add', '-A'],
  () => ['reset', '-q'],
  (pick) => ['rm', '-q', '--cached', '--ignore-unmatch', '--', pick(NAMES)],
  (pick) => ['add', '-N', '--', pick(NAMES)],
  (pick) => ['update-index', pick(['--assume-unchanged', '--no-assume-unchanged', '--skip-worktree', '--no-skip-worktree']), '--', pick(NAMES)],
  () => ['status', '--porcelain'],
  () => ['update-index', '--really-refresh'],
  (pick) => ['update-index', '--index-version', pick(['2', '3', '4'])],
  (pick) => ['update-index', pick(['--split-index', '--no-split-index'])],
  // An entry that says other content than the disk holds.
  (pick) => ['update-index', '--add', '--cacheinfo', `100644,${BAD_OID},${pick(['a.txt', 'x.md', 'cfg.ini', 'd/b.txt'])}`],
];
let BAD_OID = '';
const TRIGGERS = ['diff-files', 'ls-files -o', 'ls-files -s -v', 'none'];

/** The `git` on PATH that runs `writer` once, just before the first command holding `trigger`. */
function interleaver(r: Repo): { env: Record<string, string>; arm(trigger: string, writer: string[]): void; fired(): boolean } {
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(r.base, 'interleave');
  mkdirSync(bin, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const at = (n: string) => q(join(bin, n));
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nif [ -e ${at('armed')} ] && [ ! -e ${at('fired')} ]; then case " $* " in *" $(cat ${at('trigger')}) "*) : > ${at('fired')}; (cd ${q(r.dir)} && . ${at('writer')}) >/dev/null 2>&1;; esac; fi\nexec ${q(real)} "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${r.env.PATH}` },
    arm(trigger, writer) {
      rmSync(join(bin, 'fired'), { force: true });
      writeFileSync(join(bin, 'trigger'), trigger);
      writeFileSync(join(bin, 'writer'), `${q(real)} ${writer.map(q).join(' ')}\n`);
      writeFileSync(join(bin, 'armed'), '');
    },
    fired: () => existsSync(join(bin, 'fired')),
  };
}

const present = (r: Repo, name: string) => {
  try {
    lstatSync(r.path(name));
    return true;
  } catch {
    return false;
  }
};

function mutate(r: Repo, rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const name = pick(EDITED);
  switch (Math.floor(rand() * 12)) {
    case 10:
    case 11:
      // What the index says, written out: a view heph took of the index becomes the working tree's.
      r.gitResult(['checkout', '--', ...(rand() < 0.5 ? ['.'] : [name])]);
      return `checkout ${JSON.stringify(name)}`;
    case 9:
      // Every file fine again, so that each check is seen green as well as red.
      for (const n of NAMES) if (present(r, n)) r.write(n, 'fine\n');
      return 'every file fine';
    case 0:
    case 1:
    case 2:
      r.write(name, pick(Object.hasOwn(BY_EXT, name.split('.').pop()!) ? BY_EXT[name.split('.').pop()!] : CONTENT));
      return `write ${JSON.stringify(name)}`;
    case 3:
      r.remove(name);
      return `remove ${JSON.stringify(name)}`;
    case 4:
      r.gitResult(['add', '-A']);
      return 'stage all';
    case 5:
      if (present(r, name)) r.gitResult(['add', '--', name]);
      return `stage ${JSON.stringify(name)}`;
    case 6:
      r.gitResult(['add', '-A']);
      r.gitResult(['commit', '-q', '--no-verify', '-m', 'step']);
      return 'commit';
    case 7: {
      const args = pick(WRITERS)(pick);
      r.gitResult(args);
      return `git ${args.join(' ')}`;
    }
    default: {
      const setting = pick([
        ['feature.manyFiles', 'true'],
        ['core.splitIndex', pick(['true', 'false'])],
        ['core.untrackedCache', pick(['true', 'false'])],
        ['index.version', pick(['2', '3', '4'])],
      ]);
      r.git('config', ...setting);
      r.gitResult(['update-index', '--really-refresh']);
      return `git config ${setting.join(' ')}`;
    }
  }
}

/** How often each check was seen green and red over every seed, so the property cannot pass by never seeing either. */
const seen = new Map<string, Set<boolean>>();

const truth = (r: Repo, c: (typeof CHECKS)[number]) => spawnSync('sh', ['-c', c.truth, c.arg], { cwd: r.dir, env: r.env }).status === 0;

for (const seed of SEEDS) {
  test(`seed ${seed}: after a run that another git process raced, a run alone is green only where every check passes for real`, () => {
    const r = repo();
    const rand = rng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    BAD_OID = r.gitResult(['hash-object', '-w', '--stdin'], { input: BAD_BLOB }).stdout.trim();
    for (const n of NAMES) r.write(n, 'fine\n');
    r.config({ phases: [{ name: 'q', checks: CHECKS.map((c) => c.check) }] });
    r.commitAll('init');
    const w = interleaver(r);
    const trail: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      trail.push(mutate(r, rand));
      const trigger = pick(TRIGGERS);
      // Weighted to the writers that make the index say other content than the disk holds.
      const writer = pick([...WRITERS, WRITERS[1], WRITERS[WRITERS.length - 1]])(pick);
      w.arm(trigger, writer);
      const raced = r.hephJson(['run', '--fast', '--no-fix'], { env: w.env });
      trail.push(`raced run (${trigger} → git ${writer.join(' ')}${w.fired() ? '' : ', not fired'}): exit ${raced.code}`);
      assert.ok(raced.code === 0 || raced.code === 1, `seed ${seed} step ${step}: ${raced.stderr}\n${trail.join('\n')}`);
      const alone = r.hephJson(['run', '--fast', '--no-fix']);
      for (const c of CHECKS) {
        const got = alone.report.checks.find((x: { name: string }) => x.name === c.name);
        if (!got || got.status === 'skipped') continue;
        const ok = truth(r, c);
        (seen.get(c.name) ?? seen.set(c.name, new Set()).get(c.name)!).add(ok);
        const green = got.status === 'passed' || got.status === 'cached';
        assert.is(green, ok, `seed ${seed} step ${step}: ${c.name} ${got.status} (${got.reason}) but for real it ${ok ? 'passes' : 'fails'}\n${trail.join('\n')}`);
      }
    }
  });
}

test('the property was exercised: each check was seen both passing and failing for real', () => {
  for (const c of CHECKS) assert.equal([...(seen.get(c.name) ?? [])].sort(), [false, true], c.name);
});

test.run();
