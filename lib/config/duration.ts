/** Durations in `.heph.json` ("30s", "10m", "1h", "7d", "500ms", "forever") and in messages. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration string; `forever` is Infinity; null when malformed. */
export function parseDuration(s: string): number | null {
  if (s === 'forever') return Infinity;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s);
  return m ? Math.round(Number(m[1]) * UNITS[m[2]]) : null;
}

/** A short human duration: 450ms, 3.2s, 42s, 3m, 1h, 2d. */
export function formatDuration(ms: number): string {
  if (ms === Infinity) return 'forever';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h`;
  return `${Math.floor(ms / 86_400_000)}d`;
}
