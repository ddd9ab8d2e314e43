/**
 * The shared result cache on Redis or PostgreSQL, through keyv's own adapters
 * (@keyv/redis, @keyv/postgres). This module and the drivers load only when a
 * remote is configured (a separate bundle, the drivers left in node_modules).
 *
 * Reads go through keyv. Writes must be write-once, which keyv's `set` (an
 * overwrite) cannot say, so they use the primitive each adapter exposes:
 * Redis `SET key value NX` on the adapter's client, PostgreSQL
 * `INSERT … ON CONFLICT (key) DO NOTHING` through the adapter's `query`. Both
 * are atomic in the engine: of many concurrent writers exactly one wins and
 * later writers leave the entry as it is. The value is serialized by keyv, so
 * keyv reads it back like any other entry.
 */
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { redact, type RemoteSettings } from './remote-settings.js';

export interface RemoteConnection {
  engine: 'redis' | 'postgres';
  /** Raw values (undefined when absent), in the order of `keys`. */
  getMany(keys: string[]): Promise<unknown[]>;
  /** Stores `value` unless the key exists; true when this call wrote it. */
  putOnce(key: string, value: unknown): Promise<boolean>;
  /** Drops the connection without waiting for pending replies. */
  close(): Promise<void>;
}

/** The PostgreSQL table heph's entries live in (created by the first writer). */
export const PG_TABLE = 'heph_remote_cache';

const quiet = () => {};
const reason = (err: unknown) => ((err as Error)?.message || (err as { code?: string })?.code || String(err)).split('\n')[0];

/** keyv over an adapter with keys left exactly as given, so the write-once path below writes the very key keyv reads. */
function plainKeyv(store: KeyvStoreAdapter): Keyv {
  const keyv = new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
  keyv.namespace = undefined; // keyv would otherwise give the adapter its default namespace, which Redis prefixes
  keyv.on('error', quiet);
  return keyv;
}

async function redis(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  const { default: KeyvRedis } = await import('@keyv/redis');
  // No reconnecting and no offline queue: a remote that is gone fails at once instead of holding the run.
  const adapter = new KeyvRedis(
    { url: s.url, disableOfflineQueue: true, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } },
    { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: timeoutMs },
  );
  let cause: unknown;
  adapter.on('error', (err: unknown) => (cause ??= err));
  adapter.client.on('error', quiet);
  const keyv = plainKeyv(adapter);
  try {
    await adapter.getClient();
  } catch (err) {
    throw new Error(`cannot connect to ${redact(s.url)}: ${reason(cause ?? err)}`);
  }
  return {
    engine: 'redis',
    getMany: (keys) => keyv.getMany(keys),
    async putOnce(key, value) {
      const client = await adapter.getClient();
      const text = await keyv.serialize!({ value, expires: undefined });
      return (await client.set(key, text as string, { NX: true })) === 'OK';
    },
    async close() {
      try {
        await adapter.disconnect(true);
      } catch {
        /* already gone */
      }
    },
  };
}

async function postgres(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  const { default: KeyvPostgres } = await import('@keyv/postgres');
  const adapter = new KeyvPostgres({
    uri: s.url,
    table: PG_TABLE,
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    // An idle pool must not keep the process alive after the run.
    allowExitOnIdle: true,
    idleTimeoutMillis: 1000,
  });
  // The adapter creates its table on connect; a reader without CREATE rights gets an error here, which is fine.
  adapter.on('error', quiet);
  const keyv = plainKeyv(adapter);
  try {
    await adapter.query('SELECT 1');
  } catch (err) {
    throw new Error(`cannot connect to ${redact(s.url)}: ${reason(err)}`);
  }
  return {
    engine: 'postgres',
    getMany: (keys) => keyv.getMany(keys),
    async putOnce(key, value) {
      const text = await keyv.serialize!({ value, expires: undefined });
      const rows = await adapter.query(`INSERT INTO public.${PG_TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`, [key, text]);
      return rows.length === 1;
    },
    async close() {
      try {
        await adapter.disconnect();
      } catch {
        /* already gone */
      }
    },
  };
}

/** Connects to the configured engine; rejects when it cannot within `timeoutMs`. */
export function connectRemote(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  return s.url.startsWith('redis') ? redis(s, timeoutMs) : postgres(s, timeoutMs);
}
