/**
 * The last delivery outcome of each webhook, kept in `<heph dir>/webhooks.json`
 * for `heph doctor`. Targets are named without the URL's path and query: a
 * Slack URL's path is its secret.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Delivery {
  /** `settings.webhooks[0] (https://hooks.example.com)`. */
  target: string;
  at: number;
  ok: boolean;
  detail: string;
}

export function targetName(index: number, url: string): string {
  let where = url;
  if (!url.startsWith('env:')) {
    try {
      where = new URL(url).origin;
    } catch {
      where = 'an invalid URL';
    }
  }
  return `settings.webhooks[${index}] (${where})`;
}

const file = (dir: string) => join(dir, 'webhooks.json');

export function readDeliveries(dir: string): Delivery[] {
  try {
    const data = JSON.parse(readFileSync(file(dir), 'utf8')) as { deliveries?: Delivery[] };
    return Array.isArray(data.deliveries) ? data.deliveries.filter((d) => d && typeof d.target === 'string') : [];
  } catch {
    return [];
  }
}

/** Replaces the entries of the given targets; best effort (a cache of outcomes, never worth failing for). */
export function recordDeliveries(dir: string, latest: Delivery[]): void {
  if (!latest.length) return;
  const kept = readDeliveries(dir).filter((d) => !latest.some((l) => l.target === d.target));
  try {
    const tmp = `${file(dir)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ deliveries: [...kept, ...latest] }, null, 2) + '\n');
    renameSync(tmp, file(dir));
  } catch {
    /* heph's folder may be read-only; the run log and the warning still say it */
  }
}
