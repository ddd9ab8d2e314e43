/**
 * The shared result cache on Redis or PostgreSQL, through keyv's own adapters
 * (@keyv/redis, @keyv/postgres). This module and the drivers load only when a
 * remote is configured (separate bundles, one per engine).
 *
 * Reads go through keyv. Writes must be write-once, which keyv's `set` (an
 * overwrite) cannot say, so they use the primitive each adapter exposes:
 * Redis `SET key value NX` on the adapter's client, PostgreSQL
 * `INSERT … ON CONFLICT (key) DO NOTHING` through the adapter's `query`. Both
 * are atomic in the engine: of many concurrent writers exactly one wins and
 * later writers leave the entry as it is. The value is serialized by keyv, so
 * keyv reads it back like any other entry.
 */
import type { RemoteSettings } from './remote-settings.js';

export interface RemoteConnection {
  engine: 'redis' | 'postgres';
  /** Raw values (undefined when absent), in the order of `keys`. */
  getMany(keys: string[]): Promise<unknown[]>;
  /** Stores `value` unless the key exists; true when this call wrote it. */
  putOnce(key: string, value: unknown): Promise<boolean>;
  /** Drops the connection without waiting for pending replies. */
  close(): Promise<void>;
}

declare const __HEPH_BUNDLED__: boolean | undefined;

type Engines = { redis: typeof import('./remote-redis.js'); postgres: typeof import('./remote-postgres.js') };

/**
 * Each engine's driver is its own bundle, so a run loads only the one it uses;
 * bundled, it is loaded through the V8 code cache (a driver is most of what a
 * remote hit costs: compiling it dwarfs the round trip on loopback).
 */
async function engine<K extends keyof Engines>(name: K): Promise<Engines[K]> {
  if (typeof __HEPH_BUNDLED__ !== 'undefined') {
    const { requireCached } = await import('../compile-cache.js');
    return requireCached(`${__dirname}/remote-${name}.cjs`) as Engines[K];
  }
  return (name === 'redis' ? import('./remote-redis.js') : import('./remote-postgres.js')) as Promise<Engines[K]>;
}

/** Connects to the configured engine; rejects when it cannot within `timeoutMs`. */
export async function connectRemote(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  if (s.url.startsWith('redis')) return (await engine('redis')).redis(s, timeoutMs);
  return (await engine('postgres')).postgres(s, timeoutMs);
}
