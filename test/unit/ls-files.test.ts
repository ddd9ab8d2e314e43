/** The one `git ls-files -s -z` reader: hostile names, conflicts, both object formats, and real repositories with random names. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../lib/git/bytes.js';
import { eachStageEntry, indexInfo, parseStageEntries, removedInfo, type StageEntry } from '../../lib/git/ls-files.js';
import { HephError } from '../../lib/errors.js';
import { random } from '../helpers/proc.js';
import { cleanEnv, Repo, sh } from '../helpers/repo.js';

const SHA1 = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
const SHA256 = '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813';
const rec = (mode: string, oid: string, stage: number, path: string) => `${mode} ${oid} ${stage}\t${path}\0`;

test('paths with spaces, tabs, newlines, leading dashes and backslashes come out whole', () => {
  const names = ['a b', 'tab\there', 'new\nline', '-n', '--', ' lead and trail ', '\t\t', 'x\\t "q" *?[', 'dir/sub dir/-rf\n'];
  const out = names.map((p) => rec('100644', SHA1, 0, p)).join('');
  assert.equal(parseStageEntries(out), names.map((path) => ({ mode: '100644', oid: SHA1, stage: 0, path })));
});

test('a path keeps the string form it came in: latin1 bytes, or decoded with escaped bytes', () => {
  const raw = Buffer.concat([Buffer.from(rec('100755', SHA1, 0, 'x').slice(0, -2), 'latin1'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xc3, 0xff, 0x09]), Buffer.from('é\n😀'), Buffer.from([0])]);
  const bytes = parseStageEntries(raw.toString('latin1'));
  assert.is(bytes.length, 1);
  assert.equal(Buffer.from(bytes[0].path, 'latin1'), raw.subarray(raw.indexOf(9) + 1, -1), 'byte string: every byte one character');
  const decoded = parseStageEntries(raw);
  assert.is(decoded[0].path, decodeBytes(raw.subarray(raw.indexOf(9) + 1, -1)), 'a Buffer is decoded losslessly');
  assert.ok(decoded[0].path.endsWith('é\n😀'));
  assert.is(decoded[0].mode, '100755');
});

test('conflicted stages 1-3 are each an entry, in order; modes of links and submodules are kept', () => {
  const out = [rec('100644', SHA1, 1, 'c'), rec('100755', SHA1, 2, 'c'), rec('120000', SHA1, 3, 'c'), rec('160000', SHA1, 0, 'sub'), rec('100644', SHA1, 0, 'z')].join('');
  assert.equal(
    parseStageEntries(out).map((e) => [e.mode, e.stage, e.path]),
    [['100644', 1, 'c'], ['100755', 2, 'c'], ['120000', 3, 'c'], ['160000', 0, 'sub'], ['100644', 0, 'z']],
  );
});

test('SHA-256 object ids (64 hex digits); the last record may lack its NUL; empty output is no entries', () => {
  const out = rec('100644', SHA256, 0, 'a b\t1') + rec('100644', SHA256, 2, 'b').slice(0, -1);
  assert.equal(parseStageEntries(out), [
    { mode: '100644', oid: SHA256, stage: 0, path: 'a b\t1' },
    { mode: '100644', oid: SHA256, stage: 2, path: 'b' },
  ]);
  assert.equal(parseStageEntries(''), []);
  assert.equal(parseStageEntries(Buffer.alloc(0)), []);
});

test('a header of another shape is split at its first two spaces and first tab', () => {
  // A wider mode or a mix of id lengths is not something git writes, but it must not be misread.
  const out = rec('1006440', 'abc', 0, 'one two') + rec('100644', SHA1, 0, 'ok') + rec('644', SHA256, 3, '\t');
  assert.equal(parseStageEntries(out), [
    { mode: '1006440', oid: 'abc', stage: 0, path: 'one two' },
    { mode: '100644', oid: SHA1, stage: 0, path: 'ok' },
    { mode: '644', oid: SHA256, stage: 3, path: '\t' },
  ]);
});

test('a record that is not an index entry is an error, never skipped', () => {
  for (const bad of ['100644 abc\0', 'garbage\0', `100644 ${SHA1} x\tpath\0`, `100644 ${SHA1} \tpath\0`]) {
    try {
      parseStageEntries(rec('100644', SHA1, 0, 'fine') + bad);
      assert.unreachable(JSON.stringify(bad));
    } catch (e) {
      assert.instance(e, HephError);
      assert.match((e as Error).message, /unexpected `git ls-files -s` output/);
    }
  }
});

test('eachStageEntry gives the same fields without building records; indexInfo writes an entry back', () => {
  const out = rec('100644', SHA1, 0, 'a') + rec('100755', SHA256, 2, 'b c');
  const seen: unknown[] = [];
  eachStageEntry(out, (mode, oid, stage, path) => seen.push({ mode, oid, stage, path }));
  assert.equal(seen, parseStageEntries(out));
  assert.is(parseStageEntries(out).map(indexInfo).join('\0') + '\0', out);
  assert.is(removedInfo('p q'), `0 ${'0'.repeat(40)}\tp q`);
  assert.is(removedInfo('p', 64), `0 ${'0'.repeat(64)}\tp`);
});

// ---- against git itself, on real repositories with random names ----

const PIECES = ['a', 'B', 'z9', ' ', '\t', '\n', '\r', '-', '--', '\\', '"', "'", '*', '?', '[x]', '$(x)', '~', 'é', '😀', '#'];

/** A random name component as bytes: printable pieces, control characters and bytes that are not UTF-8. */
function component(rand: () => number): Buffer {
  const parts: Buffer[] = [];
  if (rand() < 0.25) parts.push(Buffer.from('-'));
  for (let n = 1 + Math.floor(rand() * 6); n > 0; n--) {
    const r = rand();
    if (r < 0.2) parts.push(Buffer.from([0x80 + Math.floor(rand() * 0x80)]));
    else parts.push(Buffer.from(PIECES[Math.floor(rand() * PIECES.length)]));
  }
  const b = Buffer.concat(parts);
  // git refuses `.`-led components that could be `.git`; the rest is fair game.
  return b[0] === 0x2e ? Buffer.concat([Buffer.from('_'), b]) : b;
}

function blob(algo: 'sha1' | 'sha256', content: Buffer): string {
  return createHash(algo).update(`blob ${content.length}\0`).update(content).digest('hex');
}

interface Expected {
  mode: string;
  oid: string;
  stage: number;
  path: Buffer;
}

/** Makes files (regular, executable, symlinks) under random names, stages them, and adds a gitlink and conflicted entries. */
function randomIndex(r: Repo, seed: number, algo: 'sha1' | 'sha256'): Expected[] {
  const rand = random(seed);
  const files = new Set<string>();
  const dirs = new Set<string>();
  const want: Expected[] = [];
  for (let n = 0; n < 40; n++) {
    const comps = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => component(rand));
    const name = Buffer.concat(comps.flatMap((c, i) => (i ? [Buffer.from('/'), c] : [c])));
    const key = name.toString('hex');
    const prefixes = comps.slice(0, -1).map((_, i) => Buffer.concat(comps.slice(0, i + 1).flatMap((c, j) => (j ? [Buffer.from('/'), c] : [c]))).toString('hex'));
    if (files.has(key) || dirs.has(key) || prefixes.some((p) => files.has(p))) continue;
    prefixes.forEach((p) => dirs.add(p));
    files.add(key);
    const abs = Buffer.concat([Buffer.from(r.dir + '/'), name]);
    if (comps.length > 1) mkdirSync(Buffer.concat([Buffer.from(r.dir + '/'), name.subarray(0, name.lastIndexOf(0x2f))]), { recursive: true });
    const content = Buffer.from(`content ${seed} ${n}\n`);
    const kind = rand();
    if (kind < 0.15) {
      symlinkSync(content, abs);
      want.push({ mode: '120000', oid: blob(algo, content), stage: 0, path: name });
    } else {
      writeFileSync(abs, content);
      if (kind < 0.35) chmodSync(abs, 0o755);
      want.push({ mode: kind < 0.35 ? '100755' : '100644', oid: blob(algo, content), stage: 0, path: name });
    }
  }
  const add = sh('git', ['add', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], { cwd: r.dir, env: { ...r.env, GIT_LITERAL_PATHSPECS: '1' }, input: Buffer.concat(want.map((w) => Buffer.concat([w.path, Buffer.from([0])]))) });
  assert.is(add.code, 0, add.stderr);
  // Entries git add cannot make: a gitlink, and a few paths in conflict (stages 1-3, some without a base).
  const oidLen = algo === 'sha256' ? 64 : 40;
  const extra: Expected[] = [{ mode: '160000', oid: 'c'.repeat(oidLen), stage: 0, path: Buffer.concat([component(rand), Buffer.from('-sub')]) }];
  for (const w of want.slice(0, 3)) {
    extra.push({ mode: w.mode, oid: w.oid, stage: 9, path: w.path });
    for (const stage of rand() < 0.5 ? [1, 2, 3] : [2, 3]) extra.push({ mode: '100644', oid: blob(algo, Buffer.from(`${stage}`)), stage, path: w.path });
  }
  const lines = extra.map((e) => (e.stage === 9 ? Buffer.concat([Buffer.from(`0 ${'0'.repeat(oidLen)}\t`), e.path, Buffer.from([0])]) : Buffer.concat([Buffer.from(`${e.mode} ${e.oid} ${e.stage}\t`), e.path, Buffer.from([0])])));
  const info = sh('git', ['update-index', '-z', '--index-info'], { cwd: r.dir, env: r.env, input: Buffer.concat(lines) });
  assert.is(info.code, 0, info.stderr);
  const conflicted = new Set(extra.filter((e) => e.stage === 9).map((e) => e.path.toString('hex')));
  const all = [...want.filter((w) => !conflicted.has(w.path.toString('hex'))), ...extra.filter((e) => e.stage !== 9)];
  // git's order: path bytes, then stage.
  return all.sort((a, b) => Buffer.compare(a.path, b.path) || a.stage - b.stage);
}

const lsFiles = (r: Repo, env: NodeJS.ProcessEnv = r.env): Buffer => {
  const res = spawnSync('git', ['ls-files', '-s', '-z'], { cwd: r.dir, env });
  assert.is(res.status, 0, String(res.stderr));
  return res.stdout;
};

for (const algo of ['sha1', 'sha256'] as const) {
  test(`property: random hostile names in real ${algo} repositories read back as git wrote them, in both string forms`, () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 4; seed++) {
      const r = new Repo();
      try {
        if (algo === 'sha256') {
          r.remove('.git');
          r.git('init', '-q', '--object-format=sha256');
        }
        const want = randomIndex(r, seed * 7919 + (algo === 'sha256' ? 1 : 0), algo);
        const out = lsFiles(r);
        const bytes = parseStageEntries(out.toString('latin1'));
        const why = `seed ${seed}`;
        assert.equal(
          bytes.map((e) => ({ ...e, path: Buffer.from(e.path, 'latin1').toString('hex') })),
          want.map((w) => ({ ...w, path: w.path.toString('hex') })),
          why,
        );
        for (const w of want) {
          const has = (b: number) => w.path.includes(b);
          const flags = { newline: has(10), tab: has(9), space: has(32), dash: w.path[0] === 0x2d, 'not UTF-8': decodeBytes(w.path) !== w.path.toString('utf8') };
          for (const [k, v] of Object.entries(flags)) if (v) seen.add(k);
          seen.add(`mode ${w.mode}`).add(`stage ${w.stage}`);
        }
        const decoded = parseStageEntries(out);
        assert.equal(decoded.map((e) => e.path), want.map((w) => decodeBytes(w.path)), why);
        // Written back through update-index, the entries make the same index listing.
        const index = join(r.base, 'copy-index');
        const env = cleanEnv({ ...r.env, GIT_INDEX_FILE: index });
        const back = sh('git', ['update-index', '-z', '--index-info'], { cwd: r.dir, env, input: Buffer.from(bytes.map(indexInfo).join('\0') + '\0', 'latin1') });
        assert.is(back.code, 0, back.stderr);
        assert.equal(lsFiles(r, env), out, why);
      } finally {
        r.cleanup();
      }
    }
    // The generator must keep producing what this test is about.
    const cases = ['newline', 'tab', 'space', 'dash', 'not UTF-8', 'mode 100644', 'mode 100755', 'mode 120000', 'mode 160000', 'stage 0', 'stage 1', 'stage 2', 'stage 3'];
    assert.equal(cases.filter((c) => !seen.has(c)), []);
  });
}

test.run();
