import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOwnCheck } from '../../lib/run/fixflow.js';
import { intersect, overlaps, runTasks, union, type Task } from '../../lib/run/schedule.js';

const own: [string, string, boolean][] = [
  ['prettier --check {files}', 'prettier --write {files}', true],
  ['npx --no-install prettier --check {files}', 'npx --no-install prettier --write {files}', true],
  ['ruff check {files}', 'ruff check --fix {files}', true],
  ['ruff format --check {files}', 'ruff format {files}', true],
  ['black --check -q {files}', 'black -q {files}', true],
  ['eslint {files}', 'eslint --fix {files}', true],
  ['shfmt -d {files}', 'shfmt -w {files}', true],
  ['uv lock --check', 'uv lock', true],
  ['ruff check --select=ALL {files}', 'ruff check --fix {files}', false],
  ['eslint --max-warnings 0 {files}', 'eslint --fix {files}', false],
  ['npm ci --dry-run', 'npm install', false],
  ['mypy {files}', 'black {files}', false],
  ['prettier --check {files}', 'prettier --write', false],
  ["sh -c 'unterminated", 'sh', false],
];

test('a fix is its check in write mode only when the words match once mode options are set aside', () => {
  for (const [run, fix, want] of own) assert.is(isOwnCheck(run, fix, false), want, `${run} / ${fix}`);
  assert.is(isOwnCheck('! grep -q lower {files}', 'sed -i s/lower/UPPER/ {files}', true), false);
});

test('file sets: every file overlaps any non-empty set', () => {
  assert.ok(overlaps('all', new Set(['a'])));
  assert.not.ok(overlaps('all', new Set()));
  assert.ok(overlaps(new Set(['a', 'b']), new Set(['b'])));
  assert.not.ok(overlaps(new Set(['a']), new Set(['b'])));
});

test('file sets: the globs of a check\'s inputs overlap the listed files they match', () => {
  const py = { match: (f: string) => f.endsWith('.py') };
  assert.ok(overlaps(py, new Set(['a.js', 'b.py'])));
  assert.not.ok(overlaps(new Set(['a.js']), py));
  assert.ok(overlaps(py, 'all'), 'a fix that may write anything may write a .py');
  assert.ok(overlaps(py, { match: () => false }), 'two glob sets are taken to share a file');
  assert.equal([...(intersect(py, new Set(['a.js', 'b.py'])) as Set<string>)], ['b.py']);
  assert.is(intersect(py, 'all'), 'all');
  const u = union(py, new Set(['a.js']));
  assert.ok(overlaps(u, new Set(['a.js'])) && overlaps(u, new Set(['c.py'])) && !overlaps(u, new Set(['c.ts'])));
});

/** A task that starts, logs, and ends when the test releases it. */
function gated(name: string, log: string[], deps: Task[] = [], priority = 0) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const task: Task = {
    deps,
    priority,
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
  };
  return { task, release };
}

const tick = () => new Promise((r) => setImmediate(r));

test('runTasks: dependencies first, never more than the limit at once', async () => {
  const log: string[] = [];
  const a = gated('a', log);
  const b = gated('b', log);
  const c = gated('c', log, [a.task]);
  const d = gated('d', log);
  const all = runTasks([a.task, b.task, c.task, d.task], 2);
  await tick();
  assert.equal(log, ['start a', 'start b'], 'two slots');
  a.release();
  await tick();
  assert.equal(log.slice(2), ['end a', 'start d'], 'the free slot goes to the task ready longest (d), at equal priority');
  b.release();
  await tick();
  assert.equal(log.slice(4), ['end b', 'start c']);
  c.release();
  d.release();
  await all;
  let running = 0;
  for (const l of log) {
    running += l.startsWith('start') ? 1 : -1;
    assert.ok(running <= 2, log.join(', '));
  }
  assert.ok(log.indexOf('start c') > log.indexOf('end a'));
});

test('runTasks: a priority given as a function is read when the task is ready', async () => {
  const log: string[] = [];
  const took: Record<string, number> = {};
  const first = gated('first', log);
  const short = gated('short', log, [first.task]);
  const long = gated('long', log, [first.task]);
  short.task.priority = () => -(took.short ?? 0);
  long.task.priority = () => -(took.long ?? 0);
  const all = runTasks([first.task, short.task, long.task], 1);
  await tick();
  // Learnt while the first task ran: `long` is the longer one, so it starts first though listed last.
  Object.assign(took, { short: 10, long: 500 });
  first.release();
  await tick();
  assert.equal(log, ['start first', 'end first', 'start long']);
  long.release();
  await tick();
  short.release();
  await all;
  assert.equal(log.slice(3), ['end long', 'start short', 'end short']);
});

test('runTasks: a failing task stops new starts and its error is thrown', async () => {
  const ran: string[] = [];
  const bad: Task = { deps: [], priority: 0, run: async () => Promise.reject(new Error('boom')) };
  const after: Task = { deps: [bad], priority: 1, run: async () => void ran.push('after') };
  await runTasks([bad, after], 1).then(
    () => assert.unreachable('should throw'),
    (err) => assert.is((err as Error).message, 'boom'),
  );
  assert.equal(ran, []);
});

test.run();
