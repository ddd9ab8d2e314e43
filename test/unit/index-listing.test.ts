/** Reading `git ls-files -s` without parsing it all: every lookup agrees with the full parse, on real indexes with hostile names. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexListing } from '../../lib/git/index-listing.js';
import { parseStage } from '../../lib/git/snapshot.js';
import { decodeBytes } from '../../lib/git/bytes.js';
import { random } from '../helpers/proc.js';
import { cleanEnv } from '../helpers/repo.js';

function git(cwd: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync('git', args, { cwd, input, env: cleanEnv(), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Leaf names from bytes git allows in a path component: spaces, tabs, newlines, bytes that are not UTF-8. */
function leaf(rnd: () => number): Buffer {
  const pool = [0x20, 0x09, 0x0a, 0x2d, 0x2e, 0x61, 0x62, 0x7a, 0x30, 0x39, 0xc3, 0xa9, 0xe9, 0xff, 0x80, 0x5c, 0x2a];
  const n = 1 + Math.floor(rnd() * 8);
  const bytes = Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]);
  if (bytes[0] === 0x2e) bytes[0] = 0x61; // no `.`, `..` or `.git` component
  return Buffer.from(bytes);
}

/** An index of `count` random paths (some unmerged), written straight into a new repository's index. */
function randomIndex(seed: number, count: number, format: 'sha1' | 'sha256') {
  const rnd = random(seed);
  const dir = mkdtempSync(join(tmpdir(), 'heph-listing-'));
  git(dir, ['init', '-q', `--object-format=${format}`]);
  const oid = git(dir, ['hash-object', '-w', '--stdin'], Buffer.from('x\n')).toString().trim();
  const names = new Map<string, Buffer>();
  while (names.size < count) {
    const depth = Math.floor(rnd() * 3);
    const parts = [...Array.from({ length: depth }, () => Buffer.from(`d${Math.floor(rnd() * 12)}`)), leaf(rnd)];
    const path = Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from('/'), p] : [p])));
    names.set(path.toString('hex'), path);
  }
  const recs: Buffer[] = [];
  for (const path of names.values()) {
    const stages = rnd() < 0.1 ? [1, 2, 3] : [0];
    for (const s of stages) recs.push(Buffer.concat([Buffer.from(`100644 ${oid} ${s}\t`), path, Buffer.of(0)]));
  }
  git(dir, ['update-index', '-z', '--index-info'], Buffer.concat(recs));
  const raw = git(dir, ['ls-files', '-s', '-z']);
  rmSync(dir, { recursive: true, force: true });
  return { raw, names: [...names.values()] };
}

for (const [seed, format] of [
  [1, 'sha1'],
  [2, 'sha1'],
  [3, 'sha256'],
] as const) {
  test(`every path is found as the full parse finds it (seed ${seed}, ${format})`, () => {
    const { raw, names } = randomIndex(seed, 400, format);
    const listing = new IndexListing(raw);
    const full = parseStage(decodeBytes(raw));
    assert.is(full.order.length, names.length);
    assert.is(listing.firstOid()?.length, format === 'sha1' ? 40 : 64);
    for (const path of full.order) {
      const recs = listing.lookup(path);
      const want = full.entries.get(path)!;
      if (full.conflicted.has(path)) {
        assert.equal(recs.map((r) => r.stage), ['1', '2', '3'], JSON.stringify(path));
      } else {
        assert.is(recs.length, 1, JSON.stringify(path));
        assert.equal({ mode: recs[0].mode, oid: recs[0].oid }, want);
      }
    }
    // Paths next to real ones in byte order, and prefixes of them, are not there.
    const rnd = random(seed + 100);
    for (let i = 0; i < 300; i++) {
      const p = full.order[Math.floor(rnd() * full.order.length)];
      for (const probe of [`${p}a`, `${p}/x`, p.slice(0, -1), `${p}\x00`.slice(0, -1) + ' ', `a${p}`]) {
        if (!full.entries.has(probe)) assert.equal(listing.lookup(probe), [], JSON.stringify(probe));
      }
    }
    assert.equal(listing.lookup(''), []);
  });
}

test('endingWith finds the same names as a filter over the full parse', () => {
  const { raw } = randomIndex(7, 300, 'sha1');
  const full = parseStage(decodeBytes(raw));
  const listing = new IndexListing(raw);
  for (const suffix of ['a', '/a', '\t', 'é', ' ', '\n', 'd1/a']) {
    assert.equal(listing.endingWith(suffix).sort(), full.order.filter((p) => p.endsWith(suffix)).sort(), JSON.stringify(suffix));
  }
});

test('an empty index', () => {
  const listing = new IndexListing(Buffer.alloc(0));
  assert.equal(listing.lookup('a'), []);
  assert.equal(listing.endingWith('/.heph.json'), []);
  assert.is(listing.firstOid(), undefined);
});

test.run();
