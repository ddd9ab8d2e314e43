/**
 * The shared result cache's effective settings: `settings.remote` with the
 * environment's overrides. Cheap and import-free, because every run asks it
 * whether there is a remote at all; the engine drivers load only when there is.
 */
import type { RemoteConfig, RemoteMode, ResolvedConfig } from '../config/types.js';

export interface RemoteSettings {
  url: string;
  mode: RemoteMode;
  namespace: string;
  publicKey: string;
  timeoutMs: number;
  /** HEPH_REMOTE_SIGNING_KEY (PKCS#8 PEM), only ever from the environment. */
  signingKey: string | null;
}

const MODES: readonly RemoteMode[] = ['read', 'write', 'read-write'];

/**
 * null when no remote is configured; `{ problem }` when one is asked for but
 * cannot be used (the run goes on with local results and says why).
 */
export function remoteSettings(config: ResolvedConfig, env: NodeJS.ProcessEnv): RemoteSettings | { problem: string } | null {
  const file: RemoteConfig | undefined = config.settings.remote;
  const url = env.HEPH_REMOTE_URL || file?.url;
  if (!url) return null;
  if (!file) return { problem: 'HEPH_REMOTE_URL is set but .heph.json has no settings.remote (its namespace and publicKey are needed to trust entries)' };
  if (!/^(redis|rediss|postgres|postgresql):\/\//.test(url)) return { problem: `the remote URL must start with redis://, rediss://, postgres:// or postgresql:// (got ${redact(url)})` };
  const mode = (env.HEPH_REMOTE_MODE || file.mode) as RemoteMode;
  if (!MODES.includes(mode)) return { problem: `HEPH_REMOTE_MODE must be read, write or read-write (got ${JSON.stringify(env.HEPH_REMOTE_MODE)})` };
  return { url, mode, namespace: file.namespace, publicKey: file.publicKey, timeoutMs: file.timeoutMs, signingKey: env.HEPH_REMOTE_SIGNING_KEY || null };
}

export const canRead = (s: RemoteSettings) => s.mode !== 'write';
export const canWrite = (s: RemoteSettings) => s.mode !== 'read';

/** A URL fit to print: the password replaced. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
