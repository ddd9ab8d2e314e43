/**
 * A commit touching one member of a repository with members reads, and puts
 * aside, only the part of the tree its checks can read. What lies outside
 * stays where it is, byte for byte; the commit records exactly the index; a
 * member check's fingerprint is the same whether the tree was read whole or
 * scoped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, lstatSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit } from '../helpers/hooks.js';
import { linted, unitRuns, workspace } from '../helpers/workspace.js';

const track = repoPool(test);

/** The workspace with utils answering pre-push only, a file outside every check, hooks installed. */
function installed(rootChecks: object[] = []): Repo {
  const r = workspace(track(new Repo()));
  const utils = JSON.parse(r.read('packages/utils/.heph.json'));
  r.write('packages/utils/.heph.json', JSON.stringify({ ...utils, hooks: { 'pre-push': {} } }));
  if (rootChecks.length) {
    const root = JSON.parse(r.read('.heph.json'));
    root.phases[0].checks.push(...rootChecks);
    r.write('.heph.json', JSON.stringify(root));
  }
  r.write('notes.txt', 'notes\n');
  r.write('packages/api/logo.bin', Buffer.from([0, 1, 2, 255, 10, 13]).toString('latin1'));
  r.commitAll('init');
  const res = r.heph(['install']);
  assert.is(res.code, 0, res.stderr);
  return r;
}

/** Unstaged work outside web: edits, a deletion, a mode change, untracked files, staged+unstaged files. */
function workOutside(r: Repo): void {
  r.write('packages/api/src/index.js', 'export const api = "unstaged";\n');
  r.write('packages/api/logo.bin', Buffer.from([9, 0, 255, 254]).toString('latin1'));
  r.remove('libs/core/pyproject.toml');
  chmodSync(r.path('libs/cli/pyproject.toml'), 0o755);
  r.write('packages/api/scratch.txt', 'untracked\n');
  // An intent-to-add file and a file turned into a symbolic link, in another member.
  r.write('packages/api/later.js', 'export const later = 1;\n');
  r.git('add', '-N', 'packages/api/later.js');
  r.remove('libs/core/src/core/__init__.py');
  symlinkSync('../../pyproject.toml', r.path('libs/core/src/core/__init__.py'));
  r.write('libs/cli/new/deep.py', 'x = "untracked"\n');
  // Staged in a member whose checks do not run on a commit, and at the root outside every check: then changed again.
  r.write('packages/utils/src/index.js', 'export const utils = "staged";\n');
  r.write('notes.txt', 'staged\n');
  r.git('add', 'packages/utils/src/index.js', 'notes.txt');
  r.write('packages/utils/src/index.js', 'export const utils = "unstaged";\n');
  r.write('notes.txt', 'unstaged\n');
}

/** A path's type and bytes (a symbolic link by its target). */
function describe(r: Repo, p: string): string {
  let st;
  try {
    st = lstatSync(r.path(p));
  } catch {
    return '(missing)';
  }
  return st.isSymbolicLink() ? `-> ${readlinkSync(r.path(p))}` : `${(st.mode & 0o777).toString(8)} ${readFileSync(r.path(p)).toString('base64')}`;
}

/**
 * Everything a commit must leave as it was: the unstaged patch (working tree against the index), the
 * untracked files, and the bytes of each (`except`: paths a fix may change).
 */
function unstagedState(r: Repo, except?: string): { patch: string; untracked: string[]; bytes: Record<string, string> } {
  const changed = r.git('diff', '--name-only', '-z').split('\0').filter(Boolean);
  const untracked = r.git('ls-files', '-o', '--exclude-standard', '-z').split('\0').filter(Boolean);
  const bytes: Record<string, string> = {};
  for (const p of [...changed, ...untracked]) if (!except || !p.startsWith(except)) bytes[p] = describe(r, p);
  return { patch: r.git('diff', '--binary', ...(except ? ['--', '.', `:(exclude)${except}`] : [])), untracked, bytes };
}

test('a commit touching one member puts aside only that member: unstaged work elsewhere stays byte for byte, the commit records exactly the index', () => {
  const r = installed();
  // In web: staged clean, then an unstaged edit the linter would reject (it must not see it).
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', 'packages/web/src/index.js');
  r.write('packages/web/src/index.js', 'export const web = BAD;\n');
  workOutside(r);
  const before = unstagedState(r);
  const tree = r.git('write-tree').trim();
  const c = commit(r, ['-m', 'web'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(c.code, 0, c.stderr);
  assert.is(r.git('rev-parse', 'HEAD^{tree}').trim(), tree, 'the commit records the index');
  assert.equal(unstagedState(r), before, 'every unstaged change, in and out of the scope, is back as it was');
  assert.equal(linted(r, 'npx'), [['src/index.js']]);
  assert.equal(unitRuns(r), ['packages/web']);
  // The snapshot listed only web (and the configs and the root lockfile), never the whole tree.
  assert.match(c.stderr, /ls-files -o --exclude-standard -z -- .*:\(literal\)packages\/web\//);
  assert.not.match(c.stderr, /ls-files -o --exclude-standard -z (&|→)/);
  assert.not.match(c.stderr, /packages\/api\/ /);
});

test('re-staging after a fix keeps to the scope', () => {
  const r = installed();
  r.write('packages/web/src/index.js', 'export const web = BAD;\n');
  r.git('add', 'packages/web/src/index.js');
  workOutside(r);
  const before = unstagedState(r, 'packages/web/');
  const c = commit(r, ['-m', 'fix'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(c.code, 0, c.stderr);
  assert.is(r.git('show', 'HEAD:packages/web/src/index.js'), 'export const web = GOOD;\n');
  assert.is(r.git('show', 'HEAD:packages/utils/src/index.js'), 'export const utils = "staged";\n');
  assert.is(r.git('show', 'HEAD:notes.txt'), 'staged\n');
  assert.match(c.stderr, /diff --name-only -z --no-relative --no-renames --no-ext-diff --ignore-submodules=all -- .*packages\/web\//);
  assert.equal(unstagedState(r, 'packages/web/'), before, 'nothing outside web was staged or touched');
});

test("a member check's fingerprint is the same read whole or scoped: each reuses the other's result, and heph run --fast after the commit too", () => {
  // A root check on every file reads the whole tree; skipped (HEPH_SKIP), the commit reads only web.
  const r = installed([{ name: 'everything', run: 'true' }]);
  const hook = (skip: boolean) => r.hephJson(['hook', 'run', 'pre-commit'], { env: { HEPH_DEBUG: 'git', ...(skip ? { HEPH_SKIP: 'everything' } : {}) } });
  const web = (report: { checks: { id?: string; status: string }[] }) => report.checks.filter((c) => c.id?.startsWith('packages/web/')).map((c) => `${c.id} ${c.status}`);
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', '-A');
  const scoped = hook(true);
  assert.match(scoped.stderr, /(?:ls-files -s -z|index file listed) -- /);
  assert.equal(web(scoped.report), ['packages/web/quality/lint passed', 'packages/web/quality/unit passed']);
  const whole = hook(false);
  assert.match(whole.stderr, /ls-files -o --exclude-standard -z (&|→)/, 'read whole');
  assert.equal(web(whole.report), ['packages/web/quality/lint cached', 'packages/web/quality/unit cached']);
  // The other way round, on new content.
  r.write('packages/web/src/index.js', 'export const web = 3;\n');
  r.git('add', '-A');
  assert.equal(web(hook(false).report), ['packages/web/quality/lint passed', 'packages/web/quality/unit passed']);
  assert.equal(web(hook(true).report), ['packages/web/quality/lint cached', 'packages/web/quality/unit cached']);
  const c = commit(r, ['-m', 'web'], { env: { HEPH_SKIP: 'everything' } });
  assert.is(c.code, 0, c.stderr);
  const run = r.hephJson(['run', '--fast', '--project', 'packages/web']);
  assert.equal(web(run.report), ['packages/web/quality/lint cached', 'packages/web/quality/unit cached']);
});

test('a file whose name is not UTF-8 in the touched member is checked as staged and its unstaged version comes back', () => {
  const r = installed();
  const name = Buffer.concat([Buffer.from(join(r.dir, 'packages/web/src/caf')), Buffer.from([0xe9]), Buffer.from('.js')]);
  writeFileSync(name, 'export const cafe = 1;\n');
  r.git('add', '-A');
  writeFileSync(name, 'export const cafe = BAD;\n');
  workOutside(r);
  const before = unstagedState(r);
  const tree = r.git('write-tree').trim();
  const c = commit(r, ['-m', 'latin-1 name']);
  assert.is(c.code, 0, c.stderr);
  assert.is(r.git('rev-parse', 'HEAD^{tree}').trim(), tree);
  assert.is(readFileSync(name, 'utf8'), 'export const cafe = BAD;\n');
  assert.equal(unstagedState(r), before);
  assert.is(linted(r, 'npx').length, 1, 'the lint ran, on the staged content (it fails on BAD)');
});

test('git commit <paths> in one member: the fix reaches the commit and the real index, unstaged work elsewhere stays', () => {
  const r = installed();
  r.write('packages/web/src/index.js', 'export const web = BAD;\n');
  workOutside(r);
  const before = unstagedState(r, 'packages/web/');
  const c = commit(r, ['-m', 'only web', '--', 'packages/web/src/index.js']);
  assert.is(c.code, 0, c.stderr);
  assert.is(r.git('show', 'HEAD:packages/web/src/index.js'), 'export const web = GOOD;\n');
  assert.is(r.git('show', ':packages/web/src/index.js'), 'export const web = GOOD;\n', 'the real index has the fix too');
  assert.is(r.git('show', 'HEAD:notes.txt'), 'notes\n', 'a staged file outside the paths is not committed');
  assert.is(r.git('show', ':notes.txt'), 'staged\n', 'and stays staged');
  assert.equal(unstagedState(r, 'packages/web/'), before);
});

test("a file a member's config extends is read as staged: an unstaged edit turning a check off does not decide the commit", () => {
  const r = installed();
  r.write('packages/api/ci/base.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit', inputs: ['src/**'] }] }] }));
  r.write('packages/api/.heph.json', JSON.stringify({ extends: ['./ci/base.json'] }));
  r.commitAll('api extends');
  r.write('packages/api/ci/base.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit', inputs: ['src/**'], enabled: false }] }] }));
  r.write('packages/api/src/index.js', 'export const api = 3;\n');
  r.git('add', 'packages/api/src/index.js');
  const c = commit(r, ['-m', 'api'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(c.code, 0, c.stderr);
  assert.equal(unitRuns(r), ['packages/api'], 'the staged base.json keeps the check');
  assert.match(c.stderr, /(?:ls-files -s (?:-v )?-z|index file listed) -- :\(glob\)\*\*\/\.heph\.json .*:\(literal\)packages\/api\/ci\/base\.json/);
  assert.match(c.stdout + c.stderr, /packages\/api\/ci\/base\.json has unstaged changes: this commit is checked by the staged version/);
});

test('a root check that reads every file: the commit reads the whole tree, as without members', () => {
  const r = installed([{ name: 'everything', run: 'true' }]);
  r.write('packages/web/src/index.js', 'export const web = 2;\n');
  r.git('add', '-A');
  workOutside(r);
  const before = unstagedState(r);
  const c = commit(r, ['-m', 'web'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stderr, /ls-files -o --exclude-standard -z (&|→)/);
  assert.equal(unstagedState(r), before);
});

test('a commit reads the staged list and the config files first; a member config staged for the first time is a member, an untracked one is not', () => {
  const r = installed();
  r.write('packages/new/.heph.json', JSON.stringify({ phases: [{ name: 'quality', checks: [{ name: 'unit', run: 'unit' }] }] }));
  r.write('packages/new/src/a.js', 'export const a = 1;\n');
  r.git('add', 'packages/new/src/a.js');
  const c = commit(r, ['-m', 'untracked config']);
  assert.is(c.code, 0, c.stderr);
  assert.equal(unitRuns(r), [], 'not a member of this commit: its config is not in it');
  r.write('packages/new/src/a.js', 'export const a = 2;\n');
  r.git('add', 'packages/new');
  const d = commit(r, ['-m', 'member']);
  assert.is(d.code, 0, d.stderr);
  assert.equal(unitRuns(r), ['packages/new']);
});

test.run();
