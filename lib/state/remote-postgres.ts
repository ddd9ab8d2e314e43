/** The PostgreSQL engine of the shared cache, through @keyv/postgres; write-once with INSERT … ON CONFLICT DO NOTHING. */
import KeyvPostgres from '@keyv/postgres';
import { redact, type RemoteSettings } from './remote-settings.js';
import type { RemoteConnection } from './remote.js';
import { plainKeyv, quiet, reason } from './remote-keyv.js';

/** The PostgreSQL table heph's entries live in (created by the first writer). */
export const PG_TABLE = 'heph_remote_cache';

export async function postgres(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  const adapter = new KeyvPostgres({
    uri: s.url,
    table: PG_TABLE,
    max: 2,
    // Each client is closed after one query: an idle pooled client whose server goes
    // away makes pg's pool emit 'error', and this pool (the adapter's) has no listener.
    maxUses: 1,
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
    // @keyv/postgres keeps one pool per process and `disconnect` ends it, under any
    // other connection still using it (a lookup closing while results are written).
    // The pool is left open instead: idle, it never keeps the process alive
    // (allowExitOnIdle), and no query outlives query_timeout.
    async close() {},
  };
}

