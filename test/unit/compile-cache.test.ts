/** The V8 code cache of the CLI bundle: it is used again, and never for different bytes of the same length. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const loader = fileURLToPath(new URL('../../lib/compile-cache.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'heph-cc-'));
const bundle = join(dir, 'bundle.cjs');
const cacheHome = join(dir, 'cache');
const DIGEST = 'ab'.repeat(32);

/** Loads the bundle in a fresh process, as the entry point does; returns what it exports. */
function load(digest = DIGEST): string {
  const script = `import { requireCached } from ${JSON.stringify(loader)}; process.stdout.write(String(requireCached(${JSON.stringify(bundle)}, ${JSON.stringify(digest)})));`;
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.HEPH_NO_COMPILE_CACHE;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}
const caches = () => {
  try {
    return readdirSync(join(cacheHome, 'heph', 'v8')).map((f) => ({ f, t: statSync(join(cacheHome, 'heph', 'v8', f)).mtimeMs }));
  } catch {
    return [];
  }
};

test('the first load writes a cache, the next one uses it without rewriting it', () => {
  writeFileSync(bundle, "module.exports = 'first!' + typeof require.resolve;");
  assert.is(load(), 'first!function');
  const written = caches();
  assert.is(written.length, 1);
  assert.is(load(), 'first!function');
  assert.equal(caches(), written, 'an accepted cache is not written again');
});

test('the same bundle file edited in place to other bytes of the same length runs the new bytes', () => {
  writeFileSync(bundle, "module.exports = 'other!' + typeof require.resolve;");
  const later = new Date(Date.now() + 5000);
  utimesSync(bundle, later, later);
  assert.is(load(), 'other!function');
  assert.is(load(), 'other!function');
});

test('another build digest is another cache', () => {
  const before = caches().length;
  assert.is(load('cd'.repeat(32)), 'other!function');
  assert.is(caches().length, before + 1);
});

test('without a build digest the key holds a hash of the bytes read', () => {
  const t = new Date(Date.now() + 10_000);
  writeFileSync(bundle, "module.exports = 'third!' + typeof require.resolve;");
  utimesSync(bundle, t, t);
  assert.is(load('HEPH_BUNDLE_DIGEST_SLOT'), 'third!function');
  assert.is(load('HEPH_BUNDLE_DIGEST_SLOT'), 'third!function');
});

test('a bundle that is not ASCII is decoded as UTF-8', () => {
  const t = new Date(Date.now() + 20_000);
  writeFileSync(bundle, "module.exports = 'h\u00e9llo \u2714 \u{1F600}';");
  utimesSync(bundle, t, t);
  assert.is(load(), 'h\u00e9llo \u2714 \u{1F600}');
  assert.is(load(), 'h\u00e9llo \u2714 \u{1F600}');
});

test.run();
