/**
 * A namespaced debug logger, silent unless HEPH_DEBUG is set (`1`/`*` for all,
 * or a comma list of namespaces such as `git,plan`). Prints the time since the
 * process started so slow steps stand out.
 */
import { monotonicMs } from './clock.js';
const spec = process.env.HEPH_DEBUG ?? '';
const all = spec === '1' || spec === '*' || spec === 'true';
const names = new Set(spec.split(',').map((s) => s.trim()).filter(Boolean));

export type DebugFn = (msg: string, ...rest: unknown[]) => void;

const noop: DebugFn = () => {};

export function debug(ns: string): DebugFn {
  if (!all && !names.has(ns)) return noop;
  return (msg, ...rest) => {
    const t = monotonicMs().toFixed(1).padStart(7);
    const extra = rest.length ? ' ' + rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ') : '';
    process.stderr.write(`heph:${ns} +${t}ms ${msg}${extra}\n`);
  };
}
