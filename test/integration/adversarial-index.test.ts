/**
 * The index as heph reads it (lib/git/index-file.ts, index-entries.ts,
 * index-facts.ts) against the index as git reads it, where they could part:
 * names that are also property names of a JS object, a remembered memo that
 * is sealed but ill-shaped, an index changed by another git process at a
 * chosen moment of a run, an index file rewritten in place behind an open
 * descriptor. Every verdict is checked against the check run for real.
 *
 * The concurrent writer is placed deterministically: a `git` earlier on PATH
 * runs the real git, and once, on a chosen command, first runs a real
 * `git reset` in the repository, as another process could at that instant.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openIndex, readFacts, RememberedIndex } from '../../lib/git/index-facts.js';
import { IndexListing } from '../../lib/git/index-listing.js';
import { Repo, statuses, repoPool } from '../helpers/repo.js';

const repo = repoPool(test);
const factsFile = (r: Repo) => join(r.dir, '.git', 'heph', 'index-facts.json');

/** The check run for real on what is on disk: does it pass? */
const passesForReal = (r: Repo, script: string) => spawnSync('sh', ['-c', script], { cwd: r.dir, env: r.env }).status === 0;

/**
 * A `git` on PATH that runs the real one; the first time its arguments hold `trigger` (while `arm` exists),
 * it first runs `git <writer...>` in `dir`: another process changing the index at that moment.
 */
function interleaved(r: Repo, trigger: string, writer: string[]): { env: Record<string, string>; arm(): void; fired(): boolean } {
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(r.base, 'interleave');
  mkdirSync(bin, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const flag = (n: string) => q(join(bin, n));
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\ncase " $* " in *${q(` ${trigger} `)}*) if [ -e ${flag('arm')} ] && [ ! -e ${flag('fired')} ]; then : > ${flag('fired')}; (cd ${q(r.dir)} && ${q(real)} ${writer.map(q).join(' ')}) >/dev/null 2>&1; fi;; esac\nexec ${q(real)} "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${r.env.PATH}` },
    arm: () => writeFileSync(join(bin, 'arm'), ''),
    fired: () => existsSync(join(bin, 'fired')),
  };
}

test('files named like properties of a JS object (constructor, __proto__, toString) are looked up like any other', () => {
  const r = repo();
  r.write('ok.txt', 'fine\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ws', run: 'heph:trailing-whitespace {files}', files: ['*'] }] }] });
  r.commitAll('init');
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    r.write(name, 'bad   \n');
    r.git('add', '--', name);
    const bad = r.hephJson(['hook', 'run', 'pre-commit']);
    assert.is(bad.code, 1, `${name}: the staged defect is found\n${bad.stderr}`);
    const again = r.hephJson(['hook', 'run', 'pre-commit']);
    assert.is(again.code, 1, `${name}: and found again from what was remembered\n${again.stderr}`);
    r.write(name, 'good\n');
    r.git('add', '--', name);
    const good = r.hephJson(['hook', 'run', 'pre-commit']);
    assert.is(good.code, 0, `${name}: ${good.stderr}`);
    assert.is(r.hephJson(['run', '--fast']).code, 0, name);
  }
});

test('names not UTF-8, with a newline, or 3,400 bytes long: a staged defect is found, then found again from what was remembered', () => {
  const r = repo();
  r.write('ok.txt', 'fine\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ws', run: 'heph:trailing-whitespace {files}', files: ['**/*.txt'] }] }] });
  r.commitAll('init');
  // As long as a path on disk can be here (PATH_MAX); longer ones, in the index only, are index-file.test.ts's.
  const long = `${Array.from({ length: 14 }, (_, i) => `${'L'.repeat(240)}${i}`).join('/')}/x.txt`;
  const names = [Buffer.from([0x72, 0xff, 0x2e, 0x74, 0x78, 0x74]), Buffer.from('nl\nname.txt'), Buffer.from(long)];
  for (const name of names) {
    const abs = Buffer.concat([Buffer.from(`${r.dir}/`), name]);
    mkdirSync(join(abs.toString('latin1'), '..'), { recursive: true });
    writeFileSync(abs, 'bad   \n');
    // By `add -A`: a name that is not UTF-8 cannot be given as an argument from here.
    assert.is(r.gitResult(['add', '-A']).code, 0);
    const label = JSON.stringify(name.toString('latin1').slice(0, 20));
    for (const round of ['read', 'remembered']) {
      const res = r.hephJson(['hook', 'run', 'pre-commit'], { env: { HEPH_DEBUG: 'git' } });
      assert.is(res.code, 1, `${label} (${round}): the staged defect is found\n${res.stderr}`);
      if (round === 'remembered') assert.match(res.stderr, /index file .*: remembered/, `${label}: answered from the facts`);
    }
    writeFileSync(abs, 'good\n');
    r.gitResult(['add', '-A']);
    assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 0, label);
    r.gitResult(['commit', '-q', '--no-verify', '-m', 'x']);
  }
});

test('a dry run writes no facts of the index', () => {
  const r = repo();
  r.write('a.txt', 'fine\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ws', run: 'heph:trailing-whitespace {files}', files: ['*.txt'] }] }] });
  r.commitAll('init');
  for (const args of [['run', '--fast', '--dry-run'], ['hook', 'run', 'pre-commit', '--dry-run']]) r.hephJson(args);
  assert.not.ok(existsSync(factsFile(r)), 'nothing written by a dry run');
  assert.is(r.hephJson(['run', '--fast']).code, 0);
  const before = readFileSync(factsFile(r));
  r.write('b.txt', 'bad   \n');
  r.git('add', 'b.txt');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit', '--dry-run']).code, 0);
  assert.is(r.hephJson(['run', '--dry-run']).code, 0);
  assert.ok(readFileSync(factsFile(r)).equals(before), 'unchanged by a dry run');
});

test('a memo sealed right but holding rows of the wrong shape is a miss, never a crash', () => {
  const r = repo();
  r.write('a.txt', 'fine\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ws', run: 'heph:trailing-whitespace {files}', files: ['*.txt'] }] }] });
  r.commitAll('init');
  r.write('b.txt', 'bad   \n');
  r.git('add', 'b.txt');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 1);
  const text = readFileSync(factsFile(r), 'utf8');
  const data = JSON.parse(text) as { v: string; sum: string; all: { lookups: Record<string, unknown>; endings: Record<string, unknown>; first: unknown }[] };
  const reseal = (all: unknown[]) => {
    const sum = createHash('sha256').update(`heph index facts ${data.v}\0`).update(JSON.stringify(all)).digest('hex');
    writeFileSync(factsFile(r), JSON.stringify({ v: data.v, sum, all }));
  };
  const shapes: ((f: (typeof data.all)[number]) => void)[] = [
    (f) => Object.keys(f.lookups).forEach((k) => (f.lookups[k] = [['100644']])),
    (f) => Object.keys(f.lookups).forEach((k) => (f.lookups[k] = 7)),
    (f) => Object.keys(f.lookups).forEach((k) => (f.lookups[k] = [null])),
    (f) => Object.keys(f.endings).forEach((k) => (f.endings[k] = 'x')),
    (f) => (f.first = 12),
  ];
  for (const [i, bend] of shapes.entries()) {
    const all = JSON.parse(JSON.stringify(data.all));
    all.forEach(bend);
    reseal(all);
    const res = r.hephJson(['hook', 'run', 'pre-commit']);
    assert.is(res.code, 1, `shape ${i}: the staged defect is found\n${res.stderr}`);
  }
});

test('GIT_INDEX_FILE set but empty: git reads no index at all, and heph reads none either', () => {
  const r = repo();
  const script = '! grep -q BAD a.txt';
  r.write('a.txt', 'ok\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'nobad', run: '! grep -q BAD {files}', shell: true, files: ['*.txt'] }] }] });
  r.commitAll('init');
  assert.is(r.hephJson(['run', '--fast']).code, 0);
  r.write('a.txt', 'BAD\n');
  assert.not.ok(passesForReal(r, script));
  // As a script's `GIT_INDEX_FILE="$tmp"` with $tmp unset leaves it: git then sees an empty index.
  const res = r.hephJson(['run', '--fast'], { env: { GIT_INDEX_FILE: '' } });
  assert.is.not(statuses(res.report)['q/nobad'], 'cached', `no pass of the index git does not read\n${JSON.stringify(res.report.checks)}\n${res.stderr}`);
});

test('an index left to git (split) and changed by another process after heph checked it: the run does not mix two indexes', () => {
  const r = repo();
  const script = "! grep -q BAD f.txt";
  r.write('f.txt', 'BAD\n');
  r.config({ phases: [{ name: 'q', checks: [{ name: 'nobad', run: script, shell: true, inputs: ['f.txt'] }] }] });
  r.commitAll('init');
  r.git('update-index', '--split-index');
  r.write('f.txt', 'good\n');
  r.git('add', 'f.txt');
  // Between heph's first git reads and its listing of the index, a `git reset` puts HEAD's entry back.
  const w = interleaved(r, 'ls-files -s -v', ['reset', '-q']);
  w.arm();
  const first = r.hephJson(['run', '--fast'], { env: w.env });
  assert.ok(w.fired(), 'the writer ran');
  assert.is(first.code, passesForReal(r, script) ? 0 : 1, first.stderr);
  // The file back as HEAD has it: the check fails for real, so no stored pass may stand for it.
  r.git('checkout', '--', 'f.txt');
  assert.not.ok(passesForReal(r, script));
  const second = r.hephJson(['run', '--fast']);
  assert.equal(statuses(second.report), { 'q/nobad': 'failed' }, 'not a stale cached pass');
});

test('an index file rewritten in place behind the open descriptor: nothing read from it is remembered for the old file', () => {
  const r = repo();
  for (let i = 0; i < 5; i++) r.write(`f${i}.txt`, `line ${i}\n`);
  r.commitAll('init');
  const dir = join(r.dir, '.git', 'heph');
  const file = join(r.dir, '.git', 'index');
  const oldBytes = readFileSync(file);
  const oldOid = r.git('rev-parse', ':f2.txt').trim();
  mkdirSync(dir, { recursive: true });
  const once = openIndex(file)!;
  RememberedIndex.learn(once, file, readFacts(dir), new IndexListing(Buffer.from(r.git('ls-files', '-s', '-v', '-z'), 'latin1')), RememberedIndex.probe(once, file))!.save();
  // The index met again, answering from what was remembered; another index is then copied over it (same inode).
  const opened = openIndex(file)!;
  const index = RememberedIndex.recall(opened, file, readFacts(dir))!;
  assert.ok(existsSync(factsFile(r)), 'remembered');
  const other = join(r.base, 'other-index');
  writeFileSync(other, oldBytes);
  r.write('f2.txt', 'changed\n');
  assert.is(r.gitResult(['add', 'f2.txt'], { env: { GIT_INDEX_FILE: other } }).code, 0);
  writeFileSync(file, readFileSync(other));
  let answer: string[] | undefined;
  try {
    answer = index.lookup('f2.txt').map((e: { oid: string }) => e.oid);
  } catch {
    // refusing to answer is right too: the file it was asked about is gone
  }
  if (answer) assert.equal(answer, [oldOid], 'an answer, if any, is of the index the run began with');
  index.save();
  // The old index back: what is remembered for it must be its own entries.
  writeFileSync(file, oldBytes);
  const again = openIndex(file)!;
  const back = RememberedIndex.recall(again, file, readFacts(dir))!;
  assert.equal(back.lookup('f2.txt').map((e: { oid: string }) => e.oid), [oldOid]);
});

test.run();
