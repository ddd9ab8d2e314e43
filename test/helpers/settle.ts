/**
 * Waits until every file of a repository's working tree is older than the
 * replay's racy window (a record is not written while a file it read may
 * still change without its timestamp showing it). Waits on the files' own
 * times, not a fixed sleep.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from './repo.js';

const WINDOW_MS = 150;

function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    const p = join(dir, e.name);
    const st = lstatSync(p);
    max = Math.max(max, st.mtimeMs, st.ctimeMs);
    if (e.isDirectory()) max = Math.max(max, newest(p));
  }
  return max;
}

export function settled(r: Repo): void {
  const until = newest(r.dir) + WINDOW_MS;
  while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1, until - Date.now()));
}
