/**
 * The clock that ages stored results (TTL, "cached 3m ago"). `HEPH_NOW`
 * (epoch milliseconds) fixes it, for tests only: a test of a one-second TTL
 * must not depend on how fast the next process starts.
 */
export function now(): number {
  const fixed = process.env.HEPH_NOW;
  return fixed && /^\d+$/.test(fixed) ? Number(fixed) : Date.now();
}

/**
 * Milliseconds on a monotonic clock, for durations. Not `performance.now()`:
 * the first touch of the global `performance` loads Node's perf_hooks (~1 ms
 * of every start).
 */
export function monotonicMs(): number {
  return process.uptime() * 1000;
}
