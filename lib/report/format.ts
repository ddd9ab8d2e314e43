/** Number formats of the stats dashboard, exported so its browser test reads numbers the same way. */

/** A duration precise enough for totals: 450ms, 3.2s, 3m 12s, 5m, 2h 14m, 3d 4h. */
export function longDuration(ms: number): string {
  const r = Math.round(ms);
  if (r < 1000) return `${r}ms`;
  if (r < 60_000) return `${(r / 1000).toFixed(1)}s`;
  const s = Math.floor(r / 1000);
  const two = (big: number, a: string, small: number, b: string) => (small ? `${big}${a} ${small}${b}` : `${big}${a}`);
  if (s < 3600) return two(Math.floor(s / 60), 'm', s % 60, 's');
  if (s < 86_400) return two(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'm');
  return two(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

/** A 0..1 rate as a whole percentage: 0.666 → "67%". */
export const percent = (rate: number) => `${Math.round(rate * 100)}%`;

export type Fmt = 'n' | 'ms' | 'pct';

export function formatStat(value: number, fmt: Fmt): string {
  return fmt === 'ms' ? longDuration(value) : fmt === 'pct' ? percent(value) : String(value);
}
