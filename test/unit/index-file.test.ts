/**
 * The index file read in-process (lib/git/index-file.ts) says exactly what
 * `git ls-files -s -v -z` says, on generated indexes: hostile and long names,
 * every mode, unmerged stages, intent-to-add, assume-unchanged, skip-worktree,
 * index versions 2, 3 and 4, SHA-1 and SHA-256; a split index is left to git.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexFilePath, readIndexFile } from '../../lib/git/index-file.js';
import { IndexFile } from '../../lib/git/index-entries.js';
import { IndexListing } from '../../lib/git/index-listing.js';
import { random } from '../helpers/proc.js';
import { cleanEnv } from '../helpers/repo.js';

function git(cwd: string, args: string[], input?: Buffer, env: Record<string, string> = {}): Buffer {
  const r = spawnSync('git', args, { cwd, input, env: { ...cleanEnv(), ...env }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const POOL = ['a', 'b', 'é', ' ', '\t', '\n', '\xff', '\x80', 'h ', '100644 ', '-', '.heph.json', '\\', '*', 'z'];

/** A path git accepts: 1-4 components of pooled pieces, sometimes one past 4,095 bytes in all. */
function pathOf(rnd: () => number): Buffer {
  const parts: string[] = [];
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    let s = 'x';
    for (let k = Math.floor(rnd() * 6); k > 0; k--) s += POOL[Math.floor(rnd() * POOL.length)];
    parts.push(s);
  }
  if (rnd() < 0.03) parts.unshift(...Array.from({ length: 18 }, (_, i) => `${'L'.repeat(240)}${i}`));
  return Buffer.from(parts.join('/'), 'latin1');
}

const z = (ps: Buffer[]) => Buffer.concat(ps.flatMap((p) => [p, Buffer.of(0)]));

/** A repository whose index holds `count` generated entries in the given states. */
function generated(seed: number, format: 'sha1' | 'sha256', version: number, count: number): string {
  const rnd = random(seed);
  const dir = mkdtempSync(join(tmpdir(), 'heph-index-file-'));
  git(dir, ['init', '-q', `--object-format=${format}`]);
  const oids = ['x\n', 'y\n', ''].map((c) => git(dir, ['hash-object', '-w', '--stdin'], Buffer.from(c)).toString().trim());
  const modes = ['100644', '100644', '100755', '120000', '160000'];
  const names = new Map<string, Buffer>();
  while (names.size < count) {
    const p = pathOf(rnd);
    // A path may not also be a directory of another path in one index.
    const text = p.toString('latin1');
    if ([...names.values()].some((q) => q.toString('latin1').startsWith(`${text}/`) || text.startsWith(`${q.toString('latin1')}/`))) continue;
    names.set(text, p);
  }
  const all = [...names.values()];
  const recs: Buffer[] = [];
  for (const p of all) {
    const oid = oids[Math.floor(rnd() * oids.length)];
    if (rnd() < 0.08) {
      for (const s of [1, 2, 3]) if (rnd() < 0.8) recs.push(Buffer.concat([Buffer.from(`100644 ${oid} ${s}\t`), p, Buffer.of(0)]));
    } else recs.push(Buffer.concat([Buffer.from(`${modes[Math.floor(rnd() * modes.length)]} ${oid} 0\t`), p, Buffer.of(0)]));
  }
  git(dir, ['update-index', '-z', '--index-info'], Buffer.concat(recs));
  const merged = git(dir, ['ls-files', '-s', '-z']).toString('latin1').split('\0').filter((r) => / 0\t/.test(r)).map((r) => Buffer.from(r.slice(r.indexOf('\t') + 1), 'latin1'));
  const pick = (p: number) => merged.filter(() => rnd() < p);
  const assume = pick(0.15);
  const skip = pick(0.15);
  if (assume.length) git(dir, ['update-index', '-z', '--assume-unchanged', '--stdin'], z(assume));
  if (skip.length) git(dir, ['update-index', '-z', '--skip-worktree', '--stdin'], z(skip));
  // intent-to-add: a real file added with -N (the extended flag).
  if (rnd() < 0.7) {
    spawnSync('sh', ['-c', 'printf new > ita-file && git add -N ita-file'], { cwd: dir, env: cleanEnv() });
  }
  git(dir, ['update-index', '--index-version', String(version)]);
  return dir;
}

function compare(dir: string, label: string): void {
  const file = join(dir, '.git', 'index');
  const read = readIndexFile(file);
  assert.ok(read, `${label}: read`);
  const gitOut = git(dir, ['ls-files', '-s', '-v', '-z']);
  assert.ok(read!.listing.raw.equals(gitOut), `${label}: bytes as git lists them`);
  const text = new IndexListing(gitOut);
  const mine = read!.listing;
  assert.equal(mine.firstOid(), text.firstOid(), `${label}: first oid`);
  // As sets: the snapshot adds both lists to its set of changed paths.
  const sets = (f: { assumed: string[]; skipped: string[] }) => ({ assumed: [...f.assumed].sort(), skipped: [...f.skipped].sort() });
  assert.equal(sets(mine.flagged()), sets(text.flagged()), `${label}: flagged`);
  const paths = gitOut.toString('latin1').split('\0').filter(Boolean).map((r) => Buffer.from(r.slice(r.indexOf('\t') + 1), 'latin1'));
  const view = (l: { lookup(p: string): { mode: string; oid: string; stage: string; path: Buffer }[] }, p: string) => l.lookup(p).map((r) => [r.mode, r.oid, r.stage, r.path.toString('hex')]);
  const { decodeBytes } = bytes;
  for (const p of [...paths, Buffer.from('absent'), Buffer.from('x'), Buffer.from('zzzz')]) {
    const s = decodeBytes(p);
    assert.equal(view(mine, s), view(text, s), `${label}: lookup ${JSON.stringify(s)}`);
  }
  // The full parse, straight from the entries, is the parse of git's listing.
  const direct = snapshotModule.collectStage((fn) => mine.eachEntry(fn));
  const viaGit = snapshotModule.parseStage(bytes.decodeBytes(gitOut));
  assert.equal(direct.order, viaGit.order, `${label}: order`);
  assert.equal([...direct.entries], [...viaGit.entries], `${label}: entries`);
  assert.equal([...direct.conflicted], [...viaGit.conflicted], `${label}: conflicted`);
  for (const suffix of ['.heph.json', 'a', 'x', '/x', 'é', ' ', 'ita-file']) assert.equal(mine.endingWith(suffix).sort(), text.endingWith(suffix).sort(), `${label}: ending with ${suffix}`);
  // The identity is the file's: the same for the same bytes, another after a rewrite that changes them.
  assert.equal(IndexFile.parse(readFileSync(file), mine.firstOid()?.length === 64 ? 32 : 20)!.identity(), mine.identity());
}

const bytes = await import('../../lib/git/bytes.js');
const snapshotModule = await import('../../lib/git/snapshot.js');

/** Pathspecs of the two forms a commit's scope uses, drawn from the index's own paths (prefixes, names) and beside them. */
function scopeOf(rnd: () => number, paths: string[]): string[] {
  const specs = new Set<string>();
  for (let n = 1 + Math.floor(rnd() * 5); n > 0; n--) {
    const p = paths[Math.floor(rnd() * paths.length)] ?? 'x';
    const parts = p.split('/');
    const kind = rnd();
    if (kind < 0.35 && parts.length > 1) specs.add(`:(literal)${parts.slice(0, 1 + Math.floor(rnd() * (parts.length - 1))).join('/')}/`);
    else if (kind < 0.55 && parts.length > 1) specs.add(`:(literal)${parts.slice(0, 1 + Math.floor(rnd() * (parts.length - 1))).join('/')}`);
    else if (kind < 0.7) specs.add(`:(literal)${p}`);
    else if (kind < 0.85 && !/[*?[\]{}\\]/.test(parts[parts.length - 1])) specs.add(`:(glob)**/${parts[parts.length - 1]}`);
    else specs.add(rnd() < 0.5 ? ':(glob)**/.heph.json' : `:(literal)${p.slice(0, Math.max(1, p.length - 1))}`);
  }
  return [...specs];
}

function compareScoped(dir: string, label: string, seed: number): void {
  const rnd = random(seed);
  const read = readIndexFile(join(dir, '.git', 'index'))!;
  const { decodeBytes, hasRawBytes } = bytes;
  const paths = read.listing.raw.toString('latin1').split('\0').filter(Boolean).map((r) => decodeBytes(Buffer.from(r.slice(r.indexOf('\t') + 1), 'latin1')));
  for (let round = 0; round < 12; round++) {
    // Scopes hold names git gets as arguments: a commit keeps to the whole tree for the others.
    const specs = scopeOf(rnd, paths).filter((s) => !hasRawBytes(s) && !s.includes('\uFFFD'));
    if (!specs.length) continue;
    const scoped = read.listing.scoped(specs);
    assert.ok(scoped, `${label}: ${JSON.stringify(specs)} read here`);
    const gitOut = git(dir, ['ls-files', '-s', '-v', '-z', '--', ...specs]);
    assert.ok(scoped!.raw.equals(gitOut), `${label}: ${JSON.stringify(specs)} as git lists them`);
    const direct = snapshotModule.collectStage((fn) => scoped!.eachEntry(fn));
    assert.equal([...direct.entries], [...snapshotModule.parseStage(bytes.decodeBytes(gitOut)).entries], `${label}: ${JSON.stringify(specs)} parsed`);
    const text = new IndexListing(gitOut);
    for (const p of paths.slice(0, 40)) assert.equal(scoped!.lookup(p).length, text.lookup(p).length, `${label}: lookup ${JSON.stringify(p)} in ${JSON.stringify(specs)}`);
    assert.equal(scoped!.endingWith('.heph.json').sort(), text.endingWith('.heph.json').sort());
    assert.not.equal(scoped!.identity(), read.listing.identity(), 'a part of the index is not the whole');
  }
  assert.is(read.listing.scoped([':(glob)*.txt']), null, 'other pathspecs are git\'s');
}

for (const [format, version] of [
  ['sha1', 2],
  ['sha1', 3],
  ['sha1', 4],
  ['sha256', 2],
  ['sha256', 4],
] as const) {
  test(`the index file read as git lists it: ${format}, version ${version}, seeded`, () => {
    for (const seed of [1, 2, 3]) {
      const dir = generated(seed * 31 + version, format, version, 60 + seed * 40);
      try {
        compare(dir, `${format} v${version} seed ${seed}`);
        compareScoped(dir, `${format} v${version} seed ${seed}`, seed);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}

test('an empty index (every entry removed) reads as an empty listing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-index-file-'));
  try {
    git(dir, ['init', '-q']);
    spawnSync('sh', ['-c', 'echo a > a && git add a && git rm -q --cached a'], { cwd: dir, env: cleanEnv() });
    compare(dir, 'empty');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a split index is left to git; a damaged or truncated file is not read', () => {
  const dir = generated(7, 'sha1', 2, 50);
  try {
    const file = join(dir, '.git', 'index');
    const good = readFileSync(file);
    assert.ok(IndexFile.parse(good, 20));
    assert.is(IndexFile.parse(good.subarray(0, good.length - 7), 20), null, 'truncated');
    const bent = Buffer.from(good);
    bent[12 + 61] ^= 0x05; // the first entry's name length
    assert.is(IndexFile.parse(bent, 20), null, 'name length off');
    assert.is(IndexFile.parse(good, 32), null, 'a SHA-1 index is no SHA-256 one');
    git(dir, ['update-index', '--split-index']);
    assert.is(readIndexFile(file), null, 'split index');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIT_INDEX_FILE is found where git finds it: absolute, or relative to the worktree root', () => {
  assert.is(indexFilePath('/r', '/r/.git', {}), '/r/.git/index');
  assert.is(indexFilePath('/r', '/r/.git', { GIT_INDEX_FILE: '/tmp/i' }), '/tmp/i');
  assert.is(indexFilePath('/r', '/r/.git', { GIT_INDEX_FILE: '.git/index.lock' }), '/r/.git/index.lock');
  assert.is(indexFilePath('/r', '/r/.git', { GIT_INDEX_FILE: '' }), '', 'set but empty: no file, as git reads none');
});

test.run();
