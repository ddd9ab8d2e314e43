/**
 * What a replayed pre-commit prints, against what a full run prints on the
 * same state: on a terminal and not (colors), with NO_COLOR / FORCE_COLOR /
 * TERM=dumb, and from a subdirectory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { CLI, repoPool } from '../helpers/repo.js';
import { ReplayRepo } from '../helpers/replay-repo.js';
import { normalized, replayed } from '../helpers/replay.js';

const pool = repoPool(test);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The pre-commit on a pseudo-terminal (util-linux `script`): what the user sees. */
function onTerminal(r: ReplayRepo, env: Record<string, string | undefined>): { out: string; code: number } {
  const e = { ...r.env, ...r.hookEnv, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  const cmd = [process.execPath, CLI, 'hook', 'run', 'pre-commit'].map(quote).join(' ');
  const res = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: r.dir, env: e, encoding: 'utf8' });
  return { out: String(res.stdout).replace(/\r/g, ''), code: res.status ?? 1 };
}

const hasColor = (s: string) => /\x1b\[/.test(s);

test('a record written without a terminal, replayed on one (and the other way round)', () => {
  const r = pool(new ReplayRepo());
  r.prime({ NO_COLOR: undefined });
  const a = onTerminal(r, { NO_COLOR: undefined, HEPH_DEBUG: 'replay', TERM: 'xterm' });
  const full = onTerminal(r, { NO_COLOR: undefined, HEPH_REPLAY: '0', TERM: 'xterm' });
  assert.ok(hasColor(full.out), `a full run on a terminal has colors:\n${full.out}`);
  if (/heph:replay.*replayed/.test(a.out)) assert.equal(normalized(a.out), normalized(full.out), 'the replay on a terminal prints what a full run prints there');
  // Now the record is written on the terminal; replayed in a pipe.
  onTerminal(r, { NO_COLOR: undefined, TERM: 'xterm' });
  onTerminal(r, { NO_COLOR: undefined, TERM: 'xterm' });
  const piped = r.hook({ NO_COLOR: undefined, TERM: 'xterm' });
  assert.not.ok(hasColor(piped.stdout + piped.stderr), `no colors in a pipe:\n${JSON.stringify(piped.stdout)}`);
});

test('TERM=dumb on a terminal, FORCE_COLOR in a pipe', () => {
  const r = pool(new ReplayRepo());
  r.prime({ NO_COLOR: undefined, TERM: 'xterm' });
  const dumb = onTerminal(r, { NO_COLOR: undefined, HEPH_DEBUG: 'replay', TERM: 'dumb' });
  assert.not.ok(hasColor(dumb.out.replace(/^heph:replay.*$/gm, '')), `TERM=dumb has no colors:\n${dumb.out}`);
  r.agrees('FORCE_COLOR', { FORCE_COLOR: '1', NO_COLOR: undefined });
});

test('the pre-commit from a subdirectory, after one from the root', () => {
  const r = pool(new ReplayRepo());
  mkdirSync(r.path('sub'));
  r.prime();
  r.agrees('from a subdirectory', {}, r.path('sub'));
});

test('the replay prints the lines, the "cached … ago" ages and the summary a full run prints', () => {
  const r = pool(new ReplayRepo());
  const t = 1_900_000_000_000;
  for (const later of [t, t + 90_000, t + 3 * 3_600_000]) {
    r.prime({ HEPH_NOW: String(t) });
    const a = r.hook({ HEPH_NOW: String(later) });
    const full = r.full({ HEPH_NOW: String(later) });
    if (replayed(a)) assert.equal(normalized(a.stdout), normalized(full.stdout), `at +${later - t} ms`);
    assert.match(full.stdout, /cached/);
  }
});

test('two checks whose names start alike, reused at different times that read the same when recorded', () => {
  const r = pool(new ReplayRepo([{ name: 'a', run: 'true', inputs: ['a.in'] }, { name: 'ab', run: 'true', inputs: ['ab.in'] }]));
  const t = 1_900_000_000_000;
  const at = (s: number) => ({ HEPH_NOW: String(t + s * 1000) });
  r.write('a.in', '1\n').write('ab.in', '1\n').commitAll();
  assert.is(r.hook(at(0)).code, 0);
  r.write('ab.in', '2\n').git('add', 'ab.in');
  assert.is(r.hook(at(40)).code, 0);
  // Both read "3m ago" here (3m50s and 3m10s)...
  r.prime(at(230));
  // ...and "4m" and "3m" here.
  const a = r.hook(at(260));
  const full = r.full(at(260));
  assert.match(full.stdout, /q\/ab\s+cached\s+cached 3m ago/);
  if (replayed(a)) assert.equal(normalized(a.stdout), normalized(full.stdout), `${a.stdout}\n${full.stdout}`);
});

test.run();
