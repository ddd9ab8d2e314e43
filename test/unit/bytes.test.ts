/** File names as bytes: lossless decoding, exact re-encoding, and a launcher that hands the bytes to a command. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBytes, encodeBytes, hasRawBytes } from '../../lib/git/bytes.js';
import { byteLauncher } from '../../lib/run/launcher.js';
import { certKey, keyPath } from '../../lib/state/fingerprint.js';
import { random } from '../helpers/proc.js';

const samples = [Buffer.from('caf\xe9.txt', 'latin1'), Buffer.from('ok\u00e9\u{1F600}.txt'), Buffer.from([0xef, 0xbb, 0xbf, 0x61]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xf0, 0x9f, 0x82, 0x80, 0xff])];

test('valid UTF-8 decodes as usual (a BOM kept); any bytes round-trip exactly', () => {
  assert.is(decodeBytes(Buffer.from('ok\u00e9\u{1F600}.txt')), 'ok\u00e9\u{1F600}.txt');
  assert.is(decodeBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x61])), '\uFEFFa');
  assert.not.ok(hasRawBytes('\u{1F080}'), 'a real astral character is not an escaped byte');
  for (const b of samples) assert.equal(encodeBytes(decodeBytes(b)), b);
  const rand = random(3);
  for (let n = 0; n < 2000; n++) {
    const b = Buffer.from(Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 256)));
    const s = decodeBytes(b);
    assert.equal(encodeBytes(s), b, b.toString('hex'));
    if (!hasRawBytes(s)) assert.is(s, b.toString('utf8'));
  }
});

test('the launcher hands a command the exact bytes of each argument', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-bytes-'));
  try {
    const names = [...samples, Buffer.from("-n it's 100%\\n\n\n"), Buffer.from('$(touch x) `y` "z"')];
    names.forEach((name, i) => {
      const out = join(dir, `out${i}`);
      const argv = byteLauncher(['sh', '-c', 'printf "%s" "$1" > "$2"', 'x', decodeBytes(name), out]);
      assert.ok(argv.every((a) => /^[\x00-\x7f]*$/.test(a)), 'the launcher is ASCII');
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      assert.equal(readFileSync(out), name);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('names that differ only in bytes that are not UTF-8 get different cache keys', () => {
  const a = decodeBytes(Buffer.from('caf\xe9.txt', 'latin1'));
  const b = decodeBytes(Buffer.from('caf\xe8.txt', 'latin1'));
  const id = { mode: '100644', oid: 'e69de29bb2d1d6434b8b29ae775ad8c2d48c5391' };
  assert.is.not(certKey('shared', a, id), certKey('shared', b, id));
  assert.is.not(keyPath(a), keyPath(b));
  assert.is(keyPath('plain/é.txt'), 'plain/é.txt', 'UTF-8 names are hashed as they are');
  assert.is.not(keyPath(`\x01${encodeBytes(a).toString('hex')}`), keyPath(a), 'one-to-one even for a name that looks like an escaped one');
});

test.run();
