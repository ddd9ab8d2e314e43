/** What both engine adapters share: keyv over the adapter with keys as given, and error wording. */
import Keyv, { type KeyvStoreAdapter } from 'keyv';

export const quiet = () => {};
export const reason = (err: unknown) => ((err as Error)?.message || (err as { code?: string })?.code || String(err)).split('\n')[0];

/** keyv over an adapter with keys left exactly as given, so the write-once path below writes the very key keyv reads. */
export function plainKeyv(store: KeyvStoreAdapter): Keyv {
  const keyv = new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
  keyv.namespace = undefined; // keyv would otherwise give the adapter its default namespace, which Redis prefixes
  keyv.on('error', quiet);
  return keyv;
}

