/** The Redis engine of the shared cache, through @keyv/redis; write-once with SET NX on the adapter's client. */
import KeyvRedis from '@keyv/redis';
import { redact, type RemoteSettings } from './remote-settings.js';
import type { RemoteConnection } from './remote.js';
import { plainKeyv, quiet, reason } from './remote-keyv.js';

export async function redis(s: RemoteSettings, timeoutMs: number): Promise<RemoteConnection> {
  // No reconnecting and no offline queue: a remote that is gone fails at once instead of holding the run.
  const adapter = new KeyvRedis(
    { url: s.url, disableOfflineQueue: true, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } },
    { throwOnConnectError: true, throwOnErrors: true },
  );
  let cause: unknown;
  adapter.on('error', (err: unknown) => (cause ??= err));
  adapter.client.on('error', quiet);
  const keyv = plainKeyv(adapter);
  // The adapter's own connectionTimeout leaves a timer that holds the process open
  // for its full length: this one is unref'd, and it drops the socket of a
  // handshake the server never answers.
  const timer = setTimeout(() => void adapter.disconnect(true).catch(quiet), timeoutMs);
  timer.unref();
  try {
    await adapter.getClient();
  } catch (err) {
    throw new Error(`cannot connect to ${redact(s.url)}: ${reason(cause ?? err)}`);
  } finally {
    clearTimeout(timer);
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

