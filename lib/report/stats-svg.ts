/** Inline SVG charts for the stats page: nothing fetched, drawn from the data alone. */
import type { Bucket } from './stats-trends.js';
import { longDuration } from './format.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Paired bars per bucket: time spent running checks and time saved by reuse,
 * with a failed-run marker. `label` shortens the bucket key for the axis.
 */
export function trendChart(buckets: readonly Bucket[], title: string, label: (key: string) => string): string {
  if (!buckets.length) return `<p class="empty">No runs yet.</p>`;
  const W = 560;
  const H = 180;
  const pad = { l: 52, r: 8, t: 10, b: 34 };
  const max = niceCeil(Math.max(1, ...buckets.map((b) => Math.max(b.spentMs, b.savedMs))));
  const slot = (W - pad.l - pad.r) / buckets.length;
  const bw = Math.max(2, Math.min(14, slot / 2 - 1));
  const y = (ms: number) => pad.t + (H - pad.t - pad.b) * (1 - ms / max);
  const every = Math.ceil(buckets.length / 8);
  const bars = buckets
    .map((b, i) => {
      const x = pad.l + i * slot + slot / 2;
      const tip = `${b.key}: ${b.runs} runs${b.failedRuns ? ` (${b.failedRuns} failed)` : ''}, ${longDuration(b.spentMs)} spent, ${longDuration(b.savedMs)} saved`;
      return `<g><title>${esc(tip)}</title>
<rect class="spent" x="${(x - bw).toFixed(1)}" y="${y(b.spentMs).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(b.spentMs)).toFixed(1)}"/>
<rect class="saved" x="${x.toFixed(1)}" y="${y(b.savedMs).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(b.savedMs)).toFixed(1)}"/>
${b.failedRuns ? `<circle class="fail" cx="${x.toFixed(1)}" cy="${(H - pad.b + 6).toFixed(1)}" r="2.5"/>` : ''}
${i % every === 0 ? `<text x="${x.toFixed(1)}" y="${H - 6}" text-anchor="middle">${esc(label(b.key))}</text>` : ''}</g>`;
    })
    .join('\n');
  const grid = [0, 0.5, 1]
    .map((f) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(max * f).toFixed(1)}" y2="${y(max * f).toFixed(1)}"/><text x="${pad.l - 6}" y="${(y(max * f) + 4).toFixed(1)}" text-anchor="end">${longDuration(max * f)}</text>`)
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><g class="grid">${grid}</g>${bars}</svg>`;
}

/** The next round number (1, 2 or 5 × a power of ten, in ms or in whole seconds/minutes) at or above `ms`. */
export function niceCeil(ms: number): number {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000];
  const hit = steps.find((x) => x >= ms);
  return hit ?? Math.ceil(ms / 3_600_000) * 3_600_000;
}

const DAY = 86_400_000;

/**
 * The last `count` days (or weeks, `step` 7) up to the newest bucket, with
 * empty buckets where nothing ran, so the chart reads as a timeline.
 */
export function timeline(buckets: readonly Bucket[], step: 1 | 7, count: number): Bucket[] {
  if (!buckets.length) return [];
  const by = new Map(buckets.map((b) => [b.key, b]));
  const last = Date.parse(`${buckets[buckets.length - 1].key}T00:00:00Z`);
  const first = Math.max(Date.parse(`${buckets[0].key}T00:00:00Z`), last - (count - 1) * step * DAY);
  const out: Bucket[] = [];
  for (let t = first; t <= last; t += step * DAY) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push(by.get(key) ?? { key, runs: 0, failedRuns: 0, executions: 0, hits: 0, spentMs: 0, savedMs: 0 });
  }
  return out;
}

/** A thin horizontal bar pair for a table cell. */
export function cellBars(spent: number, saved: number, max: number): string {
  const w = (ms: number) => ((100 * ms) / Math.max(1, max)).toFixed(1);
  return `<div class="bar spent" style="width:${w(spent)}%"></div><div class="bar saved" style="width:${w(saved)}%"></div>`;
}
