/**
 * Members and hooks: `heph config --resolved` shows members; a member's own
 * hook for an event the root does not handle installs that event's shim and
 * runs that member alone; `--fast` wins over a member hook's `"full"`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit } from '../helpers/hooks.js';
import { unitRuns, workspace } from '../helpers/workspace.js';

const track = repoPool(test);

const byId = (report: { checks: { id?: string; phase: string; name: string; status: string }[] }) =>
  Object.fromEntries(report.checks.map((c) => [c.id ?? `${c.phase}/${c.name}`, c.status]));

function setHooks(r: Repo, file: string, hooks: object): void {
  r.write(file, JSON.stringify({ ...JSON.parse(r.read(file)), hooks }));
}

test('heph config --resolved lists each member, its scope and hooks, and each member check with the file it came from', () => {
  const r = workspace(track(new Repo()));
  r.write('packages/api/ci/base.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'types', run: 'tsc', inputs: ['src/**'] }] }] }));
  const api = JSON.parse(r.read('packages/api/.heph.json'));
  r.write('packages/api/.heph.json', JSON.stringify({ ...api, extends: ['./ci/base.json'], hooks: { 'pre-push': { mode: 'full' } } }));
  r.commitAll('init');
  const j = r.hephJson(['config', '--resolved']);
  assert.is(j.code, 0, j.stderr);
  const members = j.report.members as { name: string; dir: string; file: string; layers: string[]; scope: string[]; hooks: object | null; checks: { id: string; file: string; check: { inputs: string[]; cwd: string } }[] }[];
  assert.equal(members.map((m) => m.name), ['libs/cli', 'libs/core', 'packages/api', 'utils', 'packages/web']);
  const a = members[2];
  assert.equal(a.layers, ['packages/api/ci/base.json', 'packages/api/.heph.json']);
  assert.equal(a.scope, ['packages/api/**', './package-lock.json']);
  assert.equal(Object.keys(a.hooks!), ['pre-push']);
  assert.equal(
    a.checks.map((c) => [c.id, c.file]),
    [
      ['packages/api/quality/types', 'packages/api/ci/base.json'],
      ['packages/api/quality/lint', 'packages/api/.heph.json'],
      ['packages/api/quality/unit', 'packages/api/.heph.json'],
    ],
  );
  assert.equal(a.checks[2].check.inputs, ['packages/api/src/**', 'packages/api/**/package.json', './package-lock.json']);
  assert.is(a.checks[2].check.cwd, 'packages/api');
  assert.is(members[3].dir, 'packages/utils');
  const human = r.heph(['config', '--resolved']);
  assert.is(human.code, 0, human.stderr);
  assert.match(human.stdout, '// member utils (packages/utils): packages/utils/.heph.json');
  assert.match(human.stdout, '//   packages/api/quality/types: from packages/api/ci/base.json');
  assert.match(human.stdout, "//   hooks: the root's");
});

test("a member's own hook for an event the root does not handle: heph install installs its shim, and a commit runs that member alone", () => {
  const r = workspace(track(new Repo()));
  setHooks(r, '.heph.json', { 'pre-push': { mode: 'full' } });
  setHooks(r, 'packages/api/.heph.json', { 'pre-commit': { mode: 'fast' } });
  r.commitAll('init');
  const inst = r.heph(['install']);
  assert.is(inst.code, 0, inst.stderr);
  assert.match(inst.stdout, 'installed pre-commit');
  assert.ok(existsSync(join(r.dir, '.git', 'hooks', 'pre-commit')));
  const doctor = r.heph(['doctor']);
  assert.match(doctor.stdout + doctor.stderr, /pre-commit, pre-push installed|pre-push, pre-commit installed/);
  r.write('packages/api/src/index.js', 'export const api = 2;\n');
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.write('README.md', '# changed\n');
  r.git('add', '-A');
  const dry = r.hephJson(['hook', 'run', 'pre-commit', '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  const c = commit(r, ['-m', 'both']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(unitRuns(r), ['packages/api'], "only the member whose own hooks handle pre-commit");
  assert.match(c.stdout + c.stderr, /\.heph\.json has no pre-commit hook/);
  // Once no config wants the event, install removes its shim.
  setHooks(r, 'packages/api/.heph.json', {});
  r.commitAll('no member hook');
  assert.match(r.heph(['install']).stdout, 'removed pre-commit');
});

test("--fast (or HEPH_FAST=1) wins over a member hook's \"full\": its unchanged checks are reused", () => {
  const r = workspace(track(new Repo()));
  r.write('packages/api/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit', inputs: ['src/**'] }] }], hooks: { 'pre-commit': { mode: 'full' } } }));
  r.commitAll('init');
  assert.is(r.heph(['run']).code, 0);
  unitRuns(r);
  r.write('packages/api/NOTES.md', 'a\n');
  r.git('add', '-A');
  const fast = r.hephJson(['hook', 'run', 'pre-commit', '--fast']);
  assert.is(fast.code, 0, fast.stderr);
  assert.is(byId(fast.report)['packages/api/quality/unit'], 'cached');
  assert.is(byId(r.hephJson(['hook', 'run', 'pre-commit'], { env: { HEPH_FAST: '1' } }).report)['packages/api/quality/unit'], 'cached');
  assert.equal(unitRuns(r), []);
  const full = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(byId(full.report)['packages/api/quality/unit'], 'passed', "without --fast the member's full mode runs it");
  assert.equal(unitRuns(r), ['packages/api']);
});

test.run();
