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

/** Connects to the configured engine; rejects when it cannot within `timeoutMs`. */
export function connectRemote(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  // Each engine's driver is its own bundle: a hook loads only the one it uses.
  return s.url.startsWith('redis') ? import('./remote-redis.js').then((m) => m.redis(s, timeoutMs)) : import('./remote-postgres.js').then((m) => m.postgres(s, timeoutMs));
}
