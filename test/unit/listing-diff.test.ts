/**
 * changedPaths (git/listing-diff.ts) against a record-by-record comparison, over
 * seeded synthetic listings large enough to be split many times: changed ids,
 * modes, `-v` tags and stages, inserted and removed records, unmerged paths
 * whose stages sit side by side, names with newlines, tabs and bytes that are
 * not UTF-8, changes at the first and last record, and no change at all.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changedPaths } from '../../lib/git/listing-diff.js';
import { decodeBytes } from '../../lib/git/bytes.js';
import { random as rng } from '../helpers/proc.js';

type Rec = { tag: string; mode: string; oid: string; stage: number; path: Buffer };

const hex = (rand: () => number) => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

function listing(recs: Rec[]): Buffer {
  const sorted = [...recs].sort((a, b) => Buffer.compare(a.path, b.path) || a.stage - b.stage);
  return Buffer.concat(sorted.flatMap((r) => [Buffer.from(`${r.tag} ${r.mode} ${r.oid} ${r.stage}\t`, 'latin1'), r.path, Buffer.of(0)]));
}

/** Path → its records' text, the way a naive reader compares two listings. */
function naive(recs: Rec[]): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...recs].sort((a, b) => Buffer.compare(a.path, b.path) || a.stage - b.stage);
  for (const r of sorted) {
    const p = decodeBytes(r.path);
    out.set(p, `${out.get(p) ?? ''}${r.tag} ${r.mode} ${r.oid} ${r.stage}|`);
  }
  return out;
}

function names(rand: () => number, n: number): Buffer[] {
  const set = new Map<string, Buffer>();
  while (set.size < n) {
    const depth = Math.floor(rand() * 3);
    let p = '';
    for (let d = 0; d < depth; d++) p += `d${Math.floor(rand() * 8)}/`;
    const odd = rand();
    const tail = odd < 0.02 ? 'nl\nname' : odd < 0.04 ? 'tab\tname' : odd < 0.06 ? 'sp ace' : `f${Math.floor(rand() * 100000)}`;
    const b = odd > 0.98 ? Buffer.concat([Buffer.from(p), Buffer.from([0x72, 0xff, 0xe9]), Buffer.from(tail)]) : Buffer.from(`${p}${tail}.txt`);
    set.set(b.toString('hex'), b);
  }
  return [...set.values()];
}

for (const seed of [1, 2, 3, 4, 5, 6]) {
  test(`seed ${seed}: the paths changedPaths names are exactly those whose records differ`, () => {
    const rand = rng(seed);
    const all = names(rand, 3000 + Math.floor(rand() * 2000));
    const before: Rec[] = all.map((path) => ({ tag: 'H', mode: '100644', oid: hex(rand), stage: 0, path }));
    const after: Rec[] = before.map((r) => ({ ...r }));
    const edits = seed === 6 ? 0 : 1 + Math.floor(rand() * 40);
    for (let e = 0; e < edits; e++) {
      const i = rand() < 0.1 ? (rand() < 0.5 ? 0 : after.length - 1) : Math.floor(rand() * after.length);
      const r = after[i];
      const what = Math.floor(rand() * 6);
      if (what === 0) r.oid = hex(rand);
      else if (what === 1) r.mode = r.mode === '100644' ? '100755' : '100644';
      else if (what === 2) r.tag = r.tag === 'H' ? 'h' : 'S';
      else if (what === 3) after.splice(i, 1);
      else if (what === 4) after.push({ tag: 'H', mode: '120000', oid: hex(rand), stage: 0, path: Buffer.concat([r.path, Buffer.from('.new')]) });
      else {
        // Unmerged: the path's stage 0 replaced by stages 1-3, side by side.
        after.splice(i, 1, ...[1, 2, 3].map((stage) => ({ ...r, stage, oid: hex(rand) })));
      }
    }
    const a = naive(before);
    const b = naive(after);
    const want = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
    const got = changedPaths(listing(before), listing(after)).sort();
    assert.equal(got, want);
    if (seed === 6) assert.equal(got, []);
  });
}

test('names longer than the ranges the search stops splitting at (one path\'s records fill a range)', () => {
  const rand = rng(11);
  for (let round = 0; round < 40; round++) {
    const long = (i: number) => Buffer.from(`${'d/'.repeat(400 + Math.floor(rand() * 600))}f${i}`);
    const before: Rec[] = Array.from({ length: 12 }, (_, i) => ({ tag: 'H', mode: '100644', oid: hex(rand), stage: 0, path: long(i) }));
    const after = before.map((r) => ({ ...r }));
    const i = Math.floor(rand() * after.length);
    if (rand() < 0.5) after[i].oid = hex(rand);
    else after.splice(i, 1, ...[1, 2, 3].map((stage) => ({ ...after[i], stage })));
    const a = naive(before);
    const b = naive(after);
    const want = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
    assert.equal(changedPaths(listing(before), listing(after)).sort(), want, `round ${round}`);
  }
});

test('an empty listing against a full one names every path, and the other way round', () => {
  const rand = rng(9);
  const recs = names(rand, 500).map((path) => ({ tag: 'H', mode: '100644', oid: hex(rand), stage: 0, path }));
  const every = [...naive(recs).keys()].sort();
  assert.equal(changedPaths(Buffer.alloc(0), listing(recs)).sort(), every);
  assert.equal(changedPaths(listing(recs), Buffer.alloc(0)).sort(), every);
});

test.run();
