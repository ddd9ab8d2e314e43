/**
 * The clock that ages stored results (TTL, "cached 3m ago"). `HEPH_NOW`
 * (epoch milliseconds) fixes it, for tests only: a test of a one-second TTL
 * must not depend on how fast the next process starts.
 */
export function now(): number {
  const fixed = process.env.HEPH_NOW;
  return fixed && /^\d+$/.test(fixed) ? Number(fixed) : Date.now();
}
