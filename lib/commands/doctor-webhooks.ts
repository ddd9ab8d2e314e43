/** `heph doctor`'s webhook line: the last delivery of each webhook, and what to do when one failed. */
import type { Context } from './context.js';
import type { Finding } from './doctor-checks.js';
import { readDeliveries, targetName } from '../notify/status.js';

export function webhooks(ctx: Context, env: NodeJS.ProcessEnv = process.env): Finding {
  const configured = ctx.config.settings.webhooks ?? [];
  // Only webhooks still configured: one removed from the file is no longer a problem.
  const names = configured.map((w, i) => targetName(i, w.url));
  const last = readDeliveries(ctx.dir).filter((d) => names.includes(d.target));
  const failed = last.filter((d) => !d.ok);
  if (failed.length) {
    const list = failed.map((d) => `${d.target} at ${new Date(d.at).toISOString()}: ${d.detail}`).join('; ');
    return { name: 'webhooks', ok: false, detail: list, fix: 'check the URL, that the endpoint answers 2xx, and that the secret variable is set where heph runs; `heph logs` shows each attempt. The next successful delivery clears this' };
  }
  if (!configured.length) return { name: 'webhooks', ok: true, detail: 'none configured' };
  // A webhook whose variables are unset here does not fire here (CI may hold them): said, not a problem.
  const unset = configured.flatMap((w) => [w.url.startsWith('env:') ? w.url.slice(4) : null, w.format === 'standard' ? w.secretEnv : null]).filter((v): v is string => !!v && !env[v]);
  const idle = unset.length ? `; not sent from here while ${[...new Set(unset)].join(', ')} ${unset.length === 1 ? 'is' : 'are'} unset` : '';
  return { name: 'webhooks', ok: true, detail: `${configured.length} configured${last.length ? ', last deliveries succeeded' : ', none sent yet'}${idle}` };
}
