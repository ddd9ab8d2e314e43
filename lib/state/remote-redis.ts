/** The Redis engine of the shared cache, through @keyv/redis; write-once with SET NX on the adapter's client. */
import KeyvRedis from '@keyv/redis';
import { redact, type RemoteSettings } from './remote-settings.js';
import type { RemoteConnection } from './remote.js';
import { plainKeyv, quiet, reason } from './remote-keyv.js';

export async function redis(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
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

