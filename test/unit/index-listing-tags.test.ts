/**
 * `git ls-files -s -v -z` (each record tagged: `H `, `S ` skip-worktree, `h `/`s ` assume-unchanged):
 * read exactly as the untagged listing, and the tagged paths found, on real indexes with hostile names.
 */
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

/** Names that look like tags or records where they can: `h x`, `S `, a newline then `h `, bytes that are not UTF-8. */
function name(rnd: () => number): Buffer {
  const pool = ['h ', 's ', 'S ', 'H ', '\nh ', '\0'.slice(1), 'a', 'b', ' ', '\t', '\xff', 'é', '100644 ', '-'];
  const n = 1 + Math.floor(rnd() * 5);
  let s = '';
  for (let i = 0; i < n; i++) s += pool[Math.floor(rnd() * pool.length)];
  const dir = rnd() < 0.4 ? `d${Math.floor(rnd() * 4)}/` : '';
  return Buffer.from(`${dir}x${s}`, 'latin1');
}

function taggedIndex(seed: number, format: 'sha1' | 'sha256') {
  const rnd = random(seed);
  const dir = mkdtempSync(join(tmpdir(), 'heph-tags-'));
  try {
    git(dir, ['init', '-q', `--object-format=${format}`]);
    const oid = git(dir, ['hash-object', '-w', '--stdin'], Buffer.from('x\n')).toString().trim();
    const names = new Map<string, Buffer>();
    while (names.size < 200) {
      const n = name(rnd);
      names.set(n.toString('hex'), n);
    }
    const all = [...names.values()];
    const recs = all.map((p) => Buffer.concat([Buffer.from(`100644 ${oid} 0\t`), p, Buffer.of(0)]));
    // A few unmerged paths too.
    const unmerged = Buffer.from('zz conflict', 'latin1');
    for (const s of [1, 2, 3]) recs.push(Buffer.concat([Buffer.from(`100644 ${oid} ${s}\t`), unmerged, Buffer.of(0)]));
    git(dir, ['update-index', '-z', '--index-info'], Buffer.concat(recs));
    const assume = all.filter(() => rnd() < 0.2);
    const skip = all.filter(() => rnd() < 0.2);
    const z = (ps: Buffer[]) => Buffer.concat(ps.flatMap((p) => [p, Buffer.of(0)]));
    if (assume.length) git(dir, ['update-index', '-z', '--assume-unchanged', '--stdin'], z(assume));
    if (skip.length) git(dir, ['update-index', '-z', '--skip-worktree', '--stdin'], z(skip));
    const key = (p: Buffer) => decodeBytes(p);
    const flags = new Map<string, string>();
    for (const p of skip) flags.set(key(p), 'S');
    for (const p of assume) flags.set(key(p), flags.has(key(p)) ? 's' : 'h');
    return { plain: git(dir, ['ls-files', '-s', '-z']), tagged: git(dir, ['ls-files', '-s', '-v', '-z']), flags };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [seed, format] of [
  [21, 'sha1'],
  [22, 'sha1'],
  [23, 'sha256'],
] as const) {
  test(`a tagged listing reads as the plain one, and its flagged paths are found (seed ${seed}, ${format})`, () => {
    const { plain, tagged, flags } = taggedIndex(seed, format);
    const want = parseStage(decodeBytes(plain));
    const got = parseStage(decodeBytes(tagged));
    assert.equal(got.order, want.order);
    assert.equal([...got.entries], [...want.entries]);
    assert.equal([...got.conflicted], [...want.conflicted]);
    const a = new IndexListing(plain);
    const b = new IndexListing(tagged);
    assert.is(b.firstOid(), a.firstOid());
    const view = (l: IndexListing, p: string) => l.lookup(p).map((r) => [r.mode, r.oid, r.stage, r.path.toString('hex')]);
    for (const p of want.order) assert.equal(view(b, p), view(a, p), JSON.stringify(p));
    for (const suffix of ['a', 'h ', ' ', '\n', 'conflict']) assert.equal(b.endingWith(suffix).sort(), a.endingWith(suffix).sort(), JSON.stringify(suffix));
    const d = (l: string) => decodeBytes(Buffer.from(l, 'latin1'));
    const { assumed, skipped } = b.flagged();
    assert.equal(assumed.map(d).sort(), [...flags].filter(([, t]) => t === 'h').map(([p]) => p).sort());
    assert.equal(skipped.map(d).sort(), [...flags].filter(([, t]) => t !== 'h').map(([p]) => p).sort());
    assert.equal(a.flagged(), { assumed: [], skipped: [] }, 'an untagged listing has no tags');
    // A directory said to be missing: its skip-worktree files are passed over, the others still found.
    const under = (p: string) => (p.startsWith('d1/') ? 'd1/' : undefined);
    assert.equal(b.flagged(under).skipped.map(d).sort(), [...flags].filter(([p, t]) => t !== 'h' && !p.startsWith('d1/')).map(([p]) => p).sort());
  });
}

test.run();
