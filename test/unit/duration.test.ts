import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseDuration } from '../../lib/config/duration.js';

const parse: [string, number | null][] = [
  ['30s', 30_000], ['10m', 600_000], ['1h', 3_600_000], ['7d', 604_800_000], ['500ms', 500], ['1.5s', 1500],
  ['forever', Infinity], ['soon', null], ['5', null], ['1 h', null], ['', null], ['-1s', null], ['1H', null],
];
for (const [s, want] of parse) test(`parseDuration(${JSON.stringify(s)})`, () => assert.is(parseDuration(s), want));

const fmt: [number, string][] = [
  [0, '0ms'], [450, '450ms'], [3200, '3.2s'], [42_000, '42s'], [180_000, '3m'], [7_200_000, '2h'], [2 * 86_400_000, '2d'], [Infinity, 'forever'],
];
for (const [ms, want] of fmt) test(`formatDuration(${ms})`, () => assert.is(formatDuration(ms), want));

test.run();
