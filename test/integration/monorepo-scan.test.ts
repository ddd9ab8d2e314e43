/**
 * What a commit touching one member starts ahead. The stash's scan starts once
 * heph holds its lock and the scope is known, while the plan is made, and is
 * still what the stash acts on; a hook that waited for another run scans after
 * that run put its changes back, never while they were aside. The last
 * commit's scope is read before the config says what to read, and kept only
 * when the config asks for exactly that.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit } from '../helpers/hooks.js';
import { spawnHeph, waitFor } from '../helpers/proc.js';
import { linted, unitRuns, workspace } from '../helpers/workspace.js';

const track = repoPool(test);

test("a scoped commit's scan of unstaged changes runs beside the plan, and the stash acts on it: the check sees the staged content, the unstaged edit comes back", () => {
  const r = workspace(track(new Repo()));
  r.commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', 'packages/web/src/index.js');
  r.write('packages/web/src/index.js', 'export const web = BAD;\n');
  r.write('packages/api/src/index.js', 'export const api = "unstaged";\n');
  const c = commit(r, ['-m', 'web'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(c.code, 0, c.stderr);
  assert.equal(linted(r, 'npx'), [['src/index.js']], 'the linter ran, on the staged content (BAD fails it)');
  assert.is(r.git('show', 'HEAD:packages/web/src/index.js'), 'export const web = 2;\n');
  assert.is(r.read('packages/web/src/index.js'), 'export const web = BAD;\n');
  assert.is(r.read('packages/api/src/index.js'), 'export const api = "unstaged";\n');
  const scan = c.stderr.split('\n').filter((l) => l.includes('diff --name-status'));
  assert.is(scan.length, 1, c.stderr);
  assert.match(scan[0], /-- .*packages\/web\/ .*→ 0 \(/, 'the scan keeps to the scope');
  assert.not.match(scan[0], /sync\)/, 'started ahead, not run synchronously once the plan is sealed');
  // The index's stat data is refreshed for the files put back only, not by statting the whole tree; git's
  // plumbing names exactly the files with unstaged changes.
  assert.not.match(c.stderr, /update-index -q --refresh/);
  assert.match(c.stderr, /add --refresh/);
  assert.equal(r.git('diff-files', '--name-only').split('\n').filter(Boolean), ['packages/api/src/index.js', 'packages/web/src/index.js']);
});

test('a hook that waited for another run scans after it: changes that run had put aside are put aside again', async () => {
  const r = workspace(track(new Repo()));
  // `hold` records what it reads; in the first run it holds the lock (changes aside) until released, then fails.
  const gate = join(r.base, 'gate');
  mkdirSync(gate);
  const hold = join(r.base, 'bin', 'hold');
  writeFileSync(
    hold,
    `#!/bin/sh\ncat src/b.js >> "${gate}/seen"\n[ -z "$HOLD" ] && exit 0\ntouch "${gate}/started"\nwhile [ ! -e "${gate}/release" ]; do sleep 0.02; done\nexit 1\n`,
  );
  chmodSync(hold, 0o755);
  const web = JSON.parse(r.read('packages/web/.heph.json'));
  web.phases[0].checks.push({ name: 'hold', run: hold, inputs: ['src/**'] });
  r.write('packages/web/.heph.json', JSON.stringify(web));
  r.write('packages/web/src/b.js', 'export const b = 1;\n');
  r.commitAll('init');
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', 'packages/web/src/index.js');
  r.write('packages/web/src/b.js', 'export const b = "unstaged";\n');
  const first = spawnHeph(r, ['hook', 'run', 'pre-commit'], { env: { HOLD: '1' } });
  await waitFor(() => existsSync(join(gate, 'started')), 'the first run to hold the lock');
  assert.is(r.read('packages/web/src/b.js'), 'export const b = 1;\n', 'the first run has b.js aside');
  const second = spawnHeph(r, ['hook', 'run', 'pre-commit']);
  let waiting = '';
  second.child.stderr!.on('data', (s: string) => (waiting += s));
  second.child.stdout!.on('data', (s: string) => (waiting += s));
  await waitFor(() => /waiting for heph \(pid \d+\)/.test(waiting), 'the second run to wait for the lock');
  writeFileSync(join(gate, 'release'), '');
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.is(a.code, 1, a.stdout + a.stderr);
  assert.is(b.code, 0, b.stdout + b.stderr);
  assert.is(readFileSync(join(gate, 'seen'), 'utf8'), 'export const b = 1;\n'.repeat(2), 'both runs read the staged b.js');
  assert.is(r.read('packages/web/src/b.js'), 'export const b = "unstaged";\n', 'the unstaged edit is back');
});

test("the last commit's scope is read early and kept only when this commit's is the same; a damaged memo is rewritten", () => {
  const r = workspace(track(new Repo()));
  r.commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  const env = { HEPH_DEBUG: 'time,git' };
  const early = (c: { stderr: string }) => c.stderr.match(/scope: [^\n]*/g) ?? [];
  const scoped = (c: { stderr: string }) => c.stderr.split('\n').filter((l) => /ls-files -o --exclude-standard -z -- /.test(l));
  const edit = (member: string, v: number, unstaged?: string) => {
    r.write(`packages/${member}/src/index.js`, `export const ${member} = ${v};\n`);
    r.git('add', `packages/${member}/src/index.js`);
    if (unstaged) r.write(`packages/${member}/src/index.js`, unstaged);
  };
  edit('web', 2);
  const first = commit(r, ['-m', 'web 1'], { env });
  assert.is(first.code, 0, first.stderr);
  assert.equal(early(first), [], 'nothing remembered yet');
  linted(r, 'npx');
  unitRuns(r);
  // The same member again, with an unstaged edit the linter would reject: read early, and still checked as staged.
  edit('web', 3, 'export const web = BAD;\n');
  const second = commit(r, ['-m', 'web 2'], { env });
  assert.is(second.code, 0, second.stderr);
  assert.equal(early(second), ["scope: the last commit's, read early"]);
  assert.is(scoped(second).length, 1, 'one scoped read');
  assert.match(scoped(second)[0], /:\(literal\)packages\/web\//);
  assert.is(r.read('packages/web/src/index.js'), 'export const web = BAD;\n');
  assert.equal(linted(r, 'npx'), [['src/index.js']], 'linted as staged (BAD fails it)');
  assert.equal(unitRuns(r), ['packages/web']);
  // Another member: web's read is not used; api's scope is read and its checks run.
  edit('api', 2);
  const third = commit(r, ['-m', 'api'], { env });
  assert.is(third.code, 0, third.stderr);
  assert.equal(early(third), ["scope: not the last commit's, read now"]);
  assert.ok(scoped(third).some((l) => /:\(literal\)packages\/api\//.test(l) && !/packages\/web\//.test(l)), third.stderr);
  assert.equal(unitRuns(r), ['packages/api']);
  // A damaged memo is no guess at all, and is rewritten.
  const dir = join(r.dir, '.git', 'heph', 'scope');
  const files = readdirSync(dir).filter((f) => f.startsWith('pre-commit-') && f.endsWith('.json'));
  assert.is(files.length, 1, String(files));
  writeFileSync(join(dir, files[0]), '["');
  edit('api', 3);
  const fourth = commit(r, ['-m', 'api 2'], { env });
  assert.is(fourth.code, 0, fourth.stderr);
  assert.equal(early(fourth), []);
  assert.ok(JSON.parse(readFileSync(join(dir, files[0]), 'utf8')).includes(':(literal)packages/api/'));
});

test("a commit killed with a member's unstaged work aside: the manifest holds the scope's staged blobs only, and the next heph command puts the work back", () => {
  const r = workspace(track(new Repo()));
  const killed = join(r.base, 'killed');
  const web = JSON.parse(r.read('packages/web/.heph.json'));
  web.phases[0].checks.push({ name: 'killer', shell: true, run: `if [ ! -e "${killed}" ]; then : > "${killed}"; kill -9 $PPID; sleep 5; fi`, inputs: ['src/**'] });
  r.write('packages/web/.heph.json', JSON.stringify(web));
  r.write('packages/web/src/b.js', 'export const b = 1;\n');
  r.commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', 'packages/web/src/index.js');
  r.write('packages/web/src/b.js', 'export const b = "unstaged";\n');
  r.write('packages/api/src/index.js', 'export const api = "unstaged";\n');
  assert.is.not(commit(r, ['-m', 'killed']).code, 0, 'killed');
  assert.is(r.read('packages/web/src/b.js'), 'export const b = 1;\n', 'aside when heph died');
  const stash = join(r.dir, '.git', 'heph', 'stash');
  const folder = readdirSync(stash).find((n) => n.endsWith('.d'));
  assert.ok(folder, readdirSync(stash).join(', '));
  const staged = Object.keys(JSON.parse(readFileSync(join(stash, folder!, 'manifest.json'), 'utf8')).staged);
  assert.ok(staged.includes('packages/web/src/b.js'), staged.join(', '));
  assert.equal(
    staged.filter((p) => !p.startsWith('packages/web/') && !['.heph.json', 'package-lock.json'].includes(p)),
    [],
    "only the scope's entries",
  );
  const res = r.heph(['run', '--no-fix']);
  assert.match(res.stdout + res.stderr, /unstaged changes|put back|restored/i);
  assert.is(r.read('packages/web/src/b.js'), 'export const b = "unstaged";\n', 'back after the kill');
  assert.is(r.read('packages/api/src/index.js'), 'export const api = "unstaged";\n');
  assert.is(r.git('show', ':packages/web/src/b.js'), 'export const b = 1;\n', 'the index as it was');
});

test.run();
