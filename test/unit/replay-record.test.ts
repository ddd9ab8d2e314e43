/** The replay record's text: its CRC-32 is zlib's whatever the size, and damage is refused. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 as zlibCrc } from 'node:zlib';
import { crc32, keyOf, seal, unseal, type ReplayRecord } from '../../lib/replay/record.js';
import { random } from '../helpers/proc.js';

const text = (rand: () => number, n: number) => Array.from({ length: n }, () => String.fromCodePoint(Math.floor(rand() * (rand() < 0.9 ? 128 : 0x2fff)))).join('');

test('the CRC-32 summed in JavaScript (small texts) is zlib\'s, across sizes and non-ASCII text', async () => {
  const rand = random(7);
  for (const n of [0, 1, 3, 100, 4096, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 40_000]) {
    const t = text(rand, n);
    assert.is(await crc32(t), zlibCrc(t), `length ${n}`);
  }
});

const record = (): ReplayRecord => ({
  v: 1,
  build: 'b',
  node: 'n',
  argv: ['hook', 'run', 'pre-commit'],
  cwd: '/r',
  root: '/r',
  gitDir: '/r/.git',
  commonDir: '/r/.git',
  env: 'e',
  tty: false,
  index: { file: '/r/.git/index', size: 1234, tail: 'ab'.repeat(32) },
  git: [{ args: ['ls-files', '-o'], out: 'x\0' }],
  files: [{ p: 'f:00', id: 'absent' }],
  notBefore: 1,
  expires: null,
  minFreeMB: 0,
  lines: [['◆ q/a ', { a: 5 }, ' (all 1 files)'], ['heph: ok — 1 cached', { ms: 1 }]],
  run: { checks: [] },
});

test('a sealed record reads back, names its index on its second line, and any changed byte is refused', async () => {
  const r = record();
  const sealed = await seal(r);
  assert.equal(await unseal(sealed), r);
  assert.is(keyOf(sealed), `1234:${'ab'.repeat(32)}`);
  const rand = random(11);
  for (let i = 0; i < 200; i++) {
    const at = Math.floor(rand() * sealed.length);
    const ch = sealed[at] === 'x' ? 'y' : 'x';
    const damaged = sealed.slice(0, at) + ch + sealed.slice(at + 1);
    assert.is(await unseal(damaged), null, `byte ${at}`);
  }
  assert.is(await unseal(sealed.slice(0, sealed.length - 1)), null, 'truncated');
  // The key line is covered too: another index's key with the same body is refused.
  assert.is(await unseal(sealed.replace('1234:', '1235:')), null);
});

test.run();
