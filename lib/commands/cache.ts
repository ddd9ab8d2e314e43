/** `heph cache clear [CHECK...]`: forget stored results. */
import { loadContext } from './context.js';
import { isFallback, openStore } from '../state/store.js';
import { HephError, EXIT } from '../errors.js';
import type { Output } from '../report/output.js';

export async function cacheCommand(action: string, names: string[], out: Output): Promise<number> {
  if (action !== 'clear') throw new HephError('usage', `unknown cache action "${action}"`, 'use `heph cache clear [CHECK...]`');
  const ctx = await loadContext();
  const checks = ctx.config.phases.flatMap((p) => p.checks);
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const hits = checks.filter((c) => c.id === n || c.name === n);
    if (hits.length) ids.push(...hits.map((c) => c.id));
    else unknown.push(n);
  }
  if (unknown.length) {
    throw new HephError('usage', `unknown check${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, `checks: ${checks.map((c) => c.id).join(', ')}`);
  }
  let warnings = 0;
  const store = await openStore({ dir: ctx.dir, warn: (m) => (warnings++, out.warn(m)) });
  try {
    const opened = warnings;
    const n = await store.clear(names.length ? ids : undefined);
    // Said only when true: a store that could not be opened, or failed while clearing, forgot nothing.
    if (isFallback(store) || warnings > opened) {
      out.line(`forgot nothing: the state store in ${ctx.dir} could not be changed (see the warning above)`);
      return EXIT.checkFailed;
    }
    out.line(`forgot ${n} stored result${n === 1 ? '' : 's'}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
