/**
 * The part of a failed check's output shown under it: the first failure block
 * and the other lines that carry an error, then the end, within a bounded
 * size. A test runner's summary (`# fail 133`) comes last, so the end alone
 * often misses the error it counts.
 */

/** Lines shown at most, separators included. */
export const TAIL_MAX_LINES = 40;
/** Lines of the end always shown. */
const END_LINES = 12;
/** Lines after the first error marker, for its message and stack. */
const BLOCK_AFTER = 8;
/** Characters of one line shown at most. */
const LINE_MAX = 300;

/**
 * Markers the common tools print where an error starts: `Error`/`error:`,
 * `SomethingError`, `FAIL`, TAP's `not ok`, Python's `Traceback`, pytest's
 * `E   ` and `FAILED`, eslint's and tsc's `error` columns.
 */
const MARKER =
  /\b[A-Z]\w*Error\b|\b(?:error|ERROR|Error)\b(?![-\w])(?!s)|\bFAIL(?:ED|URE)?\b|^\s*not ok\b|^Traceback \(most recent call last\)|^E {2,}\S|\bpanicked\b|^\s*[\u2716\u2717\u00d7]\s/;

/** Whether a line looks like it carries an error, and is not a count of none ("0 errors", "error: 0"). */
export function isErrorLine(line: string): boolean {
  return MARKER.test(line) && !/\b0 (?:errors?|failures?|failed)\b|\berrors?: 0\b/i.test(line);
}

export function failureTail(output: string, max = TAIL_MAX_LINES): string {
  const lines = output.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const cut = (l: string) => (l.length > LINE_MAX ? l.slice(0, LINE_MAX) + ' …' : l);
  if (lines.length <= max) return lines.map(cut).join('\n');
  const endStart = lines.length - END_LINES;
  const keep = new Set<number>();
  for (let i = endStart; i < lines.length; i++) keep.add(i);
  // Room left for the error lines, with one separator per gap they open.
  let room = max - END_LINES - 1;
  const take = (i: number): boolean => {
    if (keep.has(i)) return true;
    const opensGap = !keep.has(i - 1) && !keep.has(i + 1);
    if (room < 1 + (opensGap ? 1 : 0)) return false;
    keep.add(i);
    room -= 1 + (opensGap ? 1 : 0);
    return true;
  };
  const first = lines.findIndex((l, i) => i < endStart && isErrorLine(l));
  if (first >= 0) {
    for (let i = first; i < Math.min(first + 1 + BLOCK_AFTER, endStart); i++) if (!take(i)) break;
    for (let i = first + 1 + BLOCK_AFTER; i < endStart; i++) if (isErrorLine(lines[i]!) && !take(i)) break;
  }
  const shown: string[] = [];
  let gap = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!keep.has(i)) {
      gap++;
      continue;
    }
    if (gap) shown.push(`… ${gap} line${gap === 1 ? '' : 's'} …`);
    gap = 0;
    shown.push(cut(lines[i]!));
  }
  return shown.join('\n');
}
