/** Tables of the stats page: every column has a legend, every number says which figure it shows. */
import { formatStat, type Fmt } from './format.js';

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Col<T> {
  head: string;
  legend: string;
  cell: (row: T) => string;
  num?: boolean;
}

/**
 * A number as shown, tagged with the path of the `heph stats --json` figure it
 * comes from (`|`-separated; array items are found by `id` or `key`), so the
 * page can be checked against the JSON.
 */
export function stat(path: (string | number)[], value: number, fmt: Fmt = 'n'): string {
  return `<span data-stat="${esc(path.join('|'))}" data-fmt="${fmt}">${esc(formatStat(value, fmt))}</span>`;
}

export function table<T>(cols: Col<T>[], rows: readonly T[], opts: { empty: string; rowClass?: (row: T) => string }): string {
  const legend = `<dl class="legend">${cols.map((c) => `<dt>${esc(c.head)}</dt><dd>${esc(c.legend)}</dd>`).join('')}</dl>`;
  if (!rows.length) return `<p class="empty">${esc(opts.empty)}</p>`;
  const head = cols.map((c) => `<th${c.num ? ' class="num"' : ''} title="${esc(c.legend)}">${esc(c.head)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cls = opts.rowClass?.(r);
      return `<tr${cls ? ` class="${cls}"` : ''}>${cols.map((c) => `<td${c.num ? ' class="num"' : ''}>${c.cell(r)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${legend}`;
}
