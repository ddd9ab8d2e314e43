/**
 * Monorepos for real: a generated workspace (three npm packages, a uv pair),
 * hooks installed, commits touching one member, two members and a shared
 * file; names, --project, running from inside a member, bad input.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit } from '../helpers/hooks.js';
import { linted, unitRuns, workspace } from '../helpers/workspace.js';

const track = repoPool(test);

function installed(): Repo {
  const r = workspace(track(new Repo()));
  r.commitAll('init');
  const res = r.heph(['install']);
  assert.is(res.code, 0, res.stderr);
  return r;
}

/** `{ id: status }` of a JSON report. */
const byId = (report: { checks: { id?: string; phase: string; name: string; status: string }[] }) =>
  Object.fromEntries(report.checks.map((c) => [c.id ?? `${c.phase}/${c.name}`, c.status]));

test('a commit touching one member runs only that member, in its directory, with {files} relative to it', () => {
  const r = installed();
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', '-A');
  const c = commit(r, ['-m', 'web']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(linted(r, 'npx'), [['src/index.js']]);
  assert.equal(unitRuns(r), ['packages/web']);
  assert.equal(linted(r, 'ruff'), []);
  assert.match(c.stderr + c.stdout, /○ packages\/api 2 checks skipped: nothing changed in packages\/api/);
});

test('a commit touching two members (npm and uv) runs both and nothing else', () => {
  const r = installed();
  r.write('packages/api/src/index.js', 'export const api = 2;\n');
  r.write('libs/core/src/core/__init__.py', 'x = 2\n');
  r.git('add', '-A');
  const c = commit(r, ['-m', 'two']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(linted(r, 'npx'), [['src/index.js']]);
  assert.equal(linted(r, 'ruff'), [['src/core/__init__.py']]);
  assert.equal(unitRuns(r), ['libs/core', 'packages/api']);
});

test('a commit touching a shared lockfile runs the members that declare it, and a failing member blocks the commit', () => {
  const r = installed();
  r.write('package-lock.json', '{ "lockfileVersion": 3, "x": 1 }\n');
  r.git('add', '-A');
  const c = commit(r, ['-m', 'lock'], { env: { FAKE_EXIT_unit: '1' } });
  assert.is(c.code, 1, 'a failing unit test blocks the commit');
  assert.equal(unitRuns(r), ['packages/api', 'packages/utils', 'packages/web']);
  const ok = commit(r, ['-m', 'lock']);
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(unitRuns(r), ['packages/api', 'packages/utils', 'packages/web']);
  r.write('uv.lock', 'version = 2\n');
  r.git('add', '-A');
  assert.is(commit(r, ['-m', 'uv']).code, 0);
  assert.equal(unitRuns(r), ['libs/cli', 'libs/core'], 'a root-relative input ("/uv.lock") is shared too');
});

test('a push runs the members its commits touch, in full mode', () => {
  const r = installed();
  const bare = join(r.base, 'remote.git');
  r.git('init', '-q', '--bare', bare);
  r.git('remote', 'add', 'origin', bare);
  assert.is(r.gitResult(['push', '-q', 'origin', 'main'], { env: { HEPH: '0' } }).code, 0);
  r.write('libs/cli/src/cli/__init__.py', 'x = 9\n');
  r.commitAll('cli');
  unitRuns(r);
  const push = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is(push.code, 0, push.stderr);
  assert.equal(unitRuns(r), ['libs/cli']);
  assert.equal(linted(r, 'ruff'), [['src/cli/__init__.py']]);
  r.write('packages/web/src/index.js', 'export const web = 9;\n');
  r.commitAll('web');
  const failing = r.gitResult(['push', '-q', 'origin', 'main'], { env: { FAKE_EXIT_unit: '1' } });
  assert.is(failing.code !== 0, true, 'a failing member check blocks the push');
  assert.equal(unitRuns(r), ['packages/web']);
});

test('a lint failure in one member blocks the commit and its fix is re-staged', () => {
  const r = installed();
  r.write('packages/utils/src/index.js', 'BAD\n');
  r.git('add', '-A');
  const c = commit(r, ['-m', 'bad']);
  assert.is(c.code, 0, c.stderr);
  assert.is(r.git('show', 'HEAD:packages/utils/src/index.js'), 'GOOD\n');
  const noFix = (r.write('packages/utils/src/index.js', 'BAD\n'), r.git('add', '-A'), commit(r, ['-m', 'bad'], { env: { HEPH_AUTO_FIX: '0' } }));
  assert.is(noFix.code, 1);
  assert.match(noFix.stderr + noFix.stdout, /utils\/quality\/lint/);
});

test('heph run --fast reuses every untouched member; ids, --only, HEPH_SKIP and --project use member/phase/name', () => {
  const r = installed();
  assert.is(r.heph(['run']).code, 0);
  unitRuns(r);
  r.write('libs/cli/src/cli/__init__.py', 'x = 3\n');
  const fast = r.hephJson(['run', '--fast']);
  assert.is(fast.code, 0);
  const s = byId(fast.report);
  assert.is(s['libs/cli/quality/pytest'], 'passed');
  assert.is(s['libs/cli/quality/ruff'], 'passed');
  for (const id of ['packages/web/quality/unit', 'utils/quality/unit', 'libs/core/quality/pytest', 'quality/readme']) assert.is(s[id], 'cached', id);
  assert.equal(unitRuns(r), ['libs/cli']);
  const member = fast.report.checks.find((c: { id?: string }) => c.id === 'utils/quality/lint');
  assert.is(member.member, 'utils', 'the "name" key names the member');

  const only = r.hephJson(['run', '--only', 'packages/api/quality/unit']);
  assert.equal(Object.keys(byId(only.report)), ['packages/api/quality/unit']);
  const skip = r.hephJson(['run', '--project', 'packages/web'], { env: { HEPH_SKIP: 'packages/web/quality/unit' } });
  assert.equal(byId(skip.report), { 'packages/web/quality/lint': 'passed', 'packages/web/quality/unit': 'skipped' });
  const two = r.hephJson(['run', '--project', 'utils', '--project', '.']);
  assert.equal(Object.keys(byId(two.report)).sort(), ['quality/readme', 'utils/quality/lint', 'utils/quality/unit']);
  const unknown = r.heph(['run', '--project', 'nope']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown project "nope"/);
});

test('heph run from inside a member runs that member; --all the whole repository', () => {
  const r = installed();
  const inside = r.hephJson(['run'], { cwd: r.path('packages/api/src') });
  assert.equal(Object.keys(byId(inside.report)).sort(), ['packages/api/quality/lint', 'packages/api/quality/unit']);
  assert.equal(unitRuns(r), ['packages/api']);
  const all = r.hephJson(['run', '--all'], { cwd: r.path('packages/api') });
  assert.is(all.report.checks.length, 11);
});

test('human output groups lines by member, each group under its name', () => {
  const r = installed();
  const res = r.heph(['run', '--concurrency', '4']);
  assert.is(res.code, 0, res.stderr);
  const lines = (res.stdout + res.stderr).split('\n').filter((l) => /quality\//.test(l) || /^\S+$/.test(l));
  const heads = lines.filter((l) => !/quality\//.test(l));
  assert.equal(heads, ['(root)', 'libs/cli', 'libs/core', 'packages/api', 'utils', 'packages/web'], lines.join('\n'));
  let group = '';
  for (const l of lines) {
    if (!/quality\//.test(l)) group = l;
    else if (group !== '(root)') assert.ok(l.includes(`${group}/quality/`), `${l} under ${group}`);
  }
});

test('status lists member checks by member/phase/name', () => {
  const r = installed();
  r.heph(['run']);
  const st = r.heph(['status']);
  assert.is(st.code, 0, st.stderr);
  assert.match(st.stdout, /libs\/core\/quality\/pytest/);
  assert.match(st.stdout, /utils\/quality\/unit/);
  const stats = r.heph(['stats', '--json']);
  assert.is(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /"libs\/core\/quality\/pytest"/);
  const clear = r.heph(['cache', 'clear', 'utils/quality/unit']);
  assert.is(clear.code, 0, clear.stderr);
  assert.match(clear.stdout, /forgot 1 stored result\b/);
  assert.is(r.hephJson(['run', '--fast', '--project', 'utils']).report.checks.find((c: { name: string }) => c.name === 'unit').status, 'passed');
});

test('a member with its own hooks: its checks follow them', () => {
  const r = installed();
  r.write('packages/web/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit' }] }], hooks: { 'pre-push': {} } }));
  r.commitAll('web hooks');
  r.write('packages/web/src/index.js', 'export const web = 3;\n');
  r.git('add', '-A');
  const c = commit(r, ['-m', 'web']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(unitRuns(r), []);
  assert.match(c.stderr + c.stdout, /packages\/web\/quality\/unit\s+skipped packages\/web\/\.heph\.json has no pre-commit hook/);
});

test("a member's own hook mode: full re-runs its checks whose inputs did not change, fast reuses them", () => {
  const r = installed();
  r.write('packages/api/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit', inputs: ['src/**'] }] }], hooks: { 'pre-commit': { mode: 'full' } } }));
  r.commitAll('api full');
  assert.is(r.heph(['run']).code, 0);
  unitRuns(r);
  // A change under each member that is not an input of its unit check.
  r.write('packages/api/NOTES.md', 'a\n').write('packages/web/NOTES.md', 'w\n');
  r.git('add', '-A');
  const c = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(c.code, 0, c.stderr);
  const s = byId(c.report);
  assert.is(s['packages/api/quality/unit'], 'passed', 'full mode in the member runs it');
  assert.is(s['packages/web/quality/unit'], 'cached', "the root's fast mode reuses the other member's result");
  assert.equal(unitRuns(r), ['packages/api']);
});

test('members run concurrently: two checks that each wait for the other finish', () => {
  const r = workspace(track(new Repo()));
  // Each writes its mark, then waits (bounded) for the other's: only concurrent runs both pass.
  const meet = (me: string, other: string) => `touch ../${me}.mark; i=0; while [ ! -e ../${other}.mark ] && [ $i -lt 2000 ]; do i=$((i+1)); sleep 0.01; done; [ -e ../${other}.mark ]`;
  r.write('pair/a/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'meet', run: meet('a', 'b'), shell: true }] }] }));
  r.write('pair/b/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'meet', run: meet('b', 'a'), shell: true }] }] }));
  r.write('.gitignore', '*.mark\n');
  r.commitAll('pair');
  const res = r.hephJson(['run', '--project', 'pair/a', '--project', 'pair/b', '--concurrency', '2']);
  assert.is(res.code, 0, JSON.stringify(res.report));
});

test('bad input: two members with one name, a member config outside the repository, an extends cycle across members → exit 2 naming the files', () => {
  const r = workspace(track(new Repo()));
  r.write('libs/cli/.heph.json', JSON.stringify({ name: 'utils', phases: [{ name: 'quality', checks: [{ name: 'x', run: 'true' }] }] }));
  r.commitAll('dup');
  const dup = r.heph(['run']);
  assert.is(dup.code, 2);
  assert.match(dup.stderr, /two members are named "utils": libs\/cli\/\.heph\.json and packages\/utils\/\.heph\.json|two members are named "utils": packages\/utils\/\.heph\.json and libs\/cli\/\.heph\.json/);

  const out = workspace(track(new Repo()));
  const elsewhere = join(out.base, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, '.heph.json'), JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'x', run: 'true' }] }] }));
  out.commitAll('init');
  // A tracked member config whose directory is now a symlink leaving the repository.
  out.write('ext/.heph.json', '{}');
  out.git('add', 'ext/.heph.json');
  out.remove('ext');
  symlinkSync(elsewhere, out.path('ext'));
  const outside = out.heph(['run']);
  assert.is(outside.code, 2, outside.stderr);
  assert.match(outside.stderr, /ext\/\.heph\.json is outside the repository/);

  const cyc = workspace(track(new Repo()));
  cyc.write('packages/web/.heph.json', JSON.stringify({ extends: ['../api/.heph.json'] }));
  cyc.write('packages/api/.heph.json', JSON.stringify({ extends: ['../web/.heph.json'], phases: [{ name: 'quality', checks: [{ name: 'x', run: 'true' }] }] }));
  cyc.commitAll('cycle');
  const cycle = cyc.heph(['run']);
  assert.is(cycle.code, 2);
  assert.match(cycle.stderr, /extends cycle/);
  assert.match(cycle.stderr, /api\/\.heph\.json/);
  assert.match(cycle.stderr, /web\/\.heph\.json/);
});

test('heph init in an npm + uv workspace writes a root config and one per member, and says so', () => {
  const r = track(new Repo());
  r.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }));
  r.write('package-lock.json', '{ "lockfileVersion": 3 }\n');
  r.write('packages/web/package.json', JSON.stringify({ name: 'web', scripts: { test: 'node --test' } }));
  r.write('packages/ignored/package.json', '{}').write('.gitignore', 'packages/ignored/\n');
  r.write('pyproject.toml', '[project]\nname = "root"\n\n[tool.uv.workspace]\nmembers = ["libs/*"]\n');
  r.write('uv.lock', 'version = 1\n');
  r.write('libs/core/pyproject.toml', '[project]\nname = "core"\n\n[tool.ruff]\n');
  // The tools are not installed here: keep their checks rather than leave them out.
  const init = r.heph(['init', '--missing', 'keep']);
  assert.is(init.code, 0, init.stderr);
  assert.match(init.stdout, /npm workspaces \+ uv workspace: a \.heph\.json per member/);
  assert.match(init.stdout, /packages\/web\/\.heph\.json: node, test/);
  assert.match(init.stdout, /libs\/core\/\.heph\.json: python, ruff/);
  assert.ok(!r.exists('packages/ignored/.heph.json'), 'an ignored package is no member');
  const root = JSON.parse(r.read('.heph.json'));
  assert.ok(!root.phases.some((p: { name: string }) => p.name === 'quality'), 'the quality checks moved to the members');
  const plan = r.hephJson(['run', '--dry-run']);
  assert.is(plan.code, 0, plan.stderr);
  const ids = plan.report.checks.map((c: { id?: string; phase: string; name: string }) => c.id ?? `${c.phase}/${c.name}`);
  assert.ok(ids.includes('packages/web/quality/test'), ids.join(' '));
  assert.ok(ids.includes('libs/core/quality/ruff'), ids.join(' '));
});

test('heph init in a pnpm workspace whose members declare no checks writes one root config and says why', () => {
  const r = track(new Repo());
  r.write('package.json', JSON.stringify({ name: 'mono', private: true, scripts: { test: 'vitest' }, devDependencies: { eslint: '^9' } }));
  r.write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n  - "site"\n\nonlyBuiltDependencies: []\n');
  r.write('pnpm-lock.yaml', 'lockfileVersion: 9\n');
  r.write('packages/a/package.json', '{"name":"a"}').write('packages/b/package.json', '{"name":"b"}').write('site/package.json', '{"name":"site"}');
  const init = r.heph(['init']);
  assert.is(init.code, 0, init.stderr);
  assert.match(init.stdout, /pnpm workspace: 3 members, not all with checks of their own .*: one root config/);
  assert.ok(!r.exists('packages/a/.heph.json') && !r.exists('site/.heph.json'));
});

test.run();
