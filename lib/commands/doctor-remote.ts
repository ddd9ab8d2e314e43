/**
 * `heph doctor`'s shared-cache line: reachability (one read, nothing written),
 * mode, key configuration and the last error a run met. Absent when no remote
 * is configured.
 */
import type { Context } from './context.js';
import type { Finding } from './doctor-checks.js';
import { canWrite, redact, remoteSettings } from '../state/remote-settings.js';
import { formatDuration } from '../config/duration.js';

export async function remoteFinding(ctx: Context, env: NodeJS.ProcessEnv = process.env): Promise<Finding | null> {
  const s = remoteSettings(ctx.config, env);
  if (!s) return null;
  if ('problem' in s) return { name: 'remote', ok: false, detail: s.problem, fix: 'see docs/remote-cache.md' };
  const { probe, keyReport, lastRemoteError } = await import('../state/remote-cache.js');
  const last = lastRemoteError(ctx.dir);
  const lastNote = last ? `; last error ${formatDuration(Date.now() - last.at)} ago: ${last.error}` : '';
  let keys;
  try {
    keys = keyReport(s);
  } catch (err) {
    return { name: 'remote', ok: false, detail: (err as Error).message + lastNote, fix: 'generate keys with `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` (docs/remote-cache.md)' };
  }
  const where = `${redact(s.url)} (mode ${s.mode}, namespace ${s.namespace}, trusted key ${keys.trusted}`;
  if (canWrite(s) && keys.signing !== 'matches') {
    const why = keys.signing === 'absent' ? 'HEPH_REMOTE_SIGNING_KEY is not set' : 'HEPH_REMOTE_SIGNING_KEY does not match settings.remote.publicKey';
    return { name: 'remote', ok: false, detail: `${where}): mode ${s.mode} but ${why}, so nothing can be written${lastNote}`, fix: 'set HEPH_REMOTE_SIGNING_KEY to the private key of settings.remote.publicKey, or use mode read' };
  }
  const res = await probe(s, Math.max(s.timeoutMs, 2000));
  if ('error' in res) return { name: 'remote', ok: false, detail: `${where}) unreachable: ${res.error}${lastNote}`, fix: 'check the URL and that the server is up; runs go on with local results meanwhile' };
  const signing = keys.signing === 'matches' ? ', signing key matches' : '';
  const slow = res.ms > s.timeoutMs ? ` — slower than the ${s.timeoutMs} ms budget, so runs will not wait for it` : '';
  return { name: 'remote', ok: !slow, detail: `${where}${signing}) reachable, ${res.engine} answered in ${Math.round(res.ms)} ms${slow}${lastNote}`, ...(slow ? { fix: 'raise settings.remote.timeout or use a closer server' } : {}) };
}
