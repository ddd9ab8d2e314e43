/**
 * The shared-cache tests run against real Redis and PostgreSQL servers, started
 * by `.ci/services.sh` (which prints the URLs to export). Locally a missing
 * server skips its tests with the reason printed; in CI (CI=true) it fails them.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import { Repo } from './repo.js';

export interface Engine {
  name: 'redis' | 'postgres';
  url: string;
}

const VARS = { redis: 'HEPH_TEST_REDIS_URL', postgres: 'HEPH_TEST_POSTGRES_URL' } as const;

export function engine(name: Engine['name']): Engine | null {
  const url = process.env[VARS[name]];
  return url ? { name, url } : null;
}

/** Registers `fn` as a test per engine; without the engine's URL: skipped locally, failed in CI. */
export function perEngine(title: string, fn: (e: Engine) => void | Promise<void>, only?: Engine['name'][]): void {
  for (const name of only ?? (['redis', 'postgres'] as const)) {
    const e = engine(name);
    const full = `${title} [${name}]`;
    if (e) test(full, () => fn(e));
    else if (process.env.CI) {
      test(full, () => {
        throw new Error(`${VARS[name]} is not set: start the servers with \`eval "$(.ci/services.sh)"\``);
      });
    } else {
      console.log(`skipping "${full}": ${VARS[name]} is not set (start the servers with \`eval "$(.ci/services.sh)"\`)`);
      test.skip(full, () => {});
    }
  }
}

function count(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

export interface Keys {
  publicKey: string;
  privateKey: string;
}

export function keyPair(): Keys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A namespace no other test (or earlier run) has written to. */
export const freshNamespace = () => `t-${randomBytes(6).toString('hex')}`;

/**
 * A repository whose one check records each time it runs (in `ran`, outside the
 * repository), configured for the shared cache with `keys.publicKey`.
 */
export function remoteRepo(keys: Keys, namespace: string, extra: Record<string, unknown> = {}, check: Record<string, unknown> = {}): Repo & { ran: () => number } {
  const r = new Repo() as Repo & { ran: () => number };
  const counter = `${r.base}/ran`;
  r.config({
    settings: { remote: { namespace, publicKey: keys.publicKey, timeout: '2s', ...extra } },
    phases: [{ name: 'q', checks: [{ name: 'lint', shell: true, run: `echo x >> '${counter}' && cat src.txt`, ...check }] }],
  });
  r.write('src.txt', 'one\n').commitAll('init');
  r.ran = () => count(counter);
  return r;
}

/** A second clone of `r` (same content), with its own state; its check counts into the same counter. */
export function cloneOf(r: Repo): Repo & { ran: () => number } {
  const c = new Repo() as Repo & { ran: () => number };
  c.git('fetch', '-q', r.dir, 'main');
  c.git('reset', '-q', '--hard', 'FETCH_HEAD');
  const counter = `${r.base}/ran`;
  c.ran = () => count(counter);
  return c;
}

export const writer = (e: Engine, keys: Keys) => ({ HEPH_REMOTE_URL: e.url, HEPH_REMOTE_MODE: 'write', HEPH_REMOTE_SIGNING_KEY: keys.privateKey, CI: 'true', HEPH_REMOTE_BRANCH: 'main' });
export const reader = (e: Engine) => ({ HEPH_REMOTE_URL: e.url, HEPH_REMOTE_MODE: 'read', CI: undefined });
