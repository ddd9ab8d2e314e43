/**
 * Loads a CommonJS bundle with a V8 code cache, so the CLI is not compiled
 * from scratch on every commit. Node 22+ does this itself
 * (module.enableCompileCache); this is the same idea for Node 20. The cache
 * lives in the user's cache folder (never a shared temp dir) and is rewritten
 * at exit when V8 rejected it or there was none. Any problem falls back to a
 * plain require.
 *
 * V8 accepts a cache for any source of the same length, so the key must change
 * with the bundle's content. Hashing the 400 kB bundle on every start cost
 * ~3 ms; instead the key is the content digest the build wrote into the entry
 * point, plus the file's identity and times (a rebuild, a reinstall or an edit
 * in place changes them), plus Node's version.
 */
import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'heph', 'v8');
}

/** Keeps the `keep` most recently written caches (other heph or Node versions). */
function prune(dir: string, keep: number): void {
  const entries = readdirSync(dir)
    .filter((f) => !f.endsWith('.tmp'))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(keep)) rmSync(join(dir, f), { force: true });
}

/**
 * The source and the cache file's name (everything that must match for V8's
 * cache to be this source's), from one open file: the key describes the bytes
 * read. Without the build's digest, the bytes themselves are hashed.
 */
function readWithKey(filename: string, digest: string | undefined): { source: string; key: string } {
  const fd = openSync(filename, 'r');
  try {
    const s = fstatSync(fd, { bigint: true });
    const bytes = readAll(fd, Number(s.size));
    // The bundles are ASCII: decoding them as Latin-1 skips UTF-8 validation (~0.3 ms).
    const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
    const content = digest && /^[0-9a-f]{24,}$/.test(digest) ? digest : hashOf(filename, source);
    const id = [content.slice(0, 24), process.version, process.arch, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs];
    return { source, key: id.join('-').replace(/[^\w.-]/g, '_') };
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (let n: number; at < size && (n = readSync(fd, buf, at, size - at, at)) > 0; ) at += n;
  if (at !== size) throw new Error(`${size - at} bytes short`); // changed while read
  return buf;
}

/** Loaded only when there is no build digest to use (the shared-cache drivers): hashing is what the digest saves. */
function hashOf(filename: string, source: string): string {
  const { createHash } = createRequire(filename)('node:crypto') as typeof import('node:crypto');
  return createHash('sha1').update(source).digest('hex');
}

/**
 * Runs `filename` as a CommonJS module and returns its exports. `digest` is
 * the file's content digest when the build wrote one.
 */
export function requireCached(filename: string, digest?: string): unknown {
  if (process.env.HEPH_NO_COMPILE_CACHE) return createRequire(filename)(filename);
  let source: string, key: string;
  try {
    ({ source, key } = readWithKey(filename, digest));
  } catch {
    return createRequire(filename)(filename);
  }
  const file = join(cacheDir(), key);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new Script((Module as unknown as { wrap(s: string): string }).wrap(source), { filename, cachedData });
  const mod = { exports: {} as unknown, filename, id: filename, loaded: false };
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  fn.call(mod.exports, mod.exports, createRequire(filename), mod, filename, dirname(filename));
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
        prune(dirname(file), 4);
      } catch {
        /* a cache we cannot write only costs speed */
      }
    });
  }
  return mod.exports;
}
