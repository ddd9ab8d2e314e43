/**
 * Loads a CommonJS bundle with a V8 code cache, so the CLI is not compiled
 * from scratch on every commit. Node 22+ does this itself
 * (module.enableCompileCache); this is the same idea for Node 20. The cache
 * lives in the user's cache folder (never a shared temp dir), is keyed by the
 * bundle's content and Node's version, and is rewritten at exit when V8
 * rejected it or there was none. Any problem falls back to a plain require.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

export function requireCached(filename: string): unknown {
  if (process.env.HEPH_NO_COMPILE_CACHE) return createRequire(filename)(filename);
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha1').update(process.version).update('\0').update(source).digest('hex');
  const file = join(cacheDir(), key.slice(0, 24));
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
