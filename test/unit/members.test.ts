import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { insideMember, literalGlob, rebaseCwd, rebaseGlob } from '../../lib/config/rebase.js';
import { memberDirs } from '../../lib/config/members.js';
import { memberAt, scopeMembers } from '../../lib/plan/members.js';
import { selectChecks } from '../../lib/plan/select.js';
import { compileGlobs } from '../../lib/util/glob.js';
import type { Member, ResolvedCheck, ResolvedConfig } from '../../lib/config/types.js';

test('member globs become root globs', () => {
  const cases: [string, string, string | null][] = [
    ['packages/web', '*.ts', 'packages/web/**/*.ts'],
    ['packages/web', 'src/**', 'packages/web/src/**'],
    ['packages/web', './src/a.ts', 'packages/web/src/a.ts'],
    ['packages/web', '!dist/**', '!packages/web/dist/**'],
    ['packages/web', '../../package-lock.json', './package-lock.json'],
    ['packages/web', '../shared/*.ts', 'packages/shared/*.ts'],
    ['packages/web', '/tsconfig.base.json', './tsconfig.base.json'],
    ['packages/web', '/configs/*.json', 'configs/*.json'],
    ['packages/web', '../../../etc/passwd', null],
    ['odd[1]', '*.js', 'odd\\[1\\]/**/*.js'],
  ];
  for (const [dir, glob, want] of cases) assert.is(rebaseGlob(dir, glob), want, `${dir} ${glob}`);
  assert.ok(compileGlobs([rebaseGlob('odd[1]', '*.js')!])('odd[1]/a.js'), 'a directory name with glob characters matches only itself');
  assert.not.ok(compileGlobs([rebaseGlob('odd[1]', '*.js')!])('odd1/a.js'));
  assert.ok(insideMember('packages/web', 'packages/web/src/**'));
  assert.not.ok(insideMember('packages/web', './package-lock.json'));
  // The root's lockfile, not a member's own: another member's lockfile does not concern this one.
  assert.ok(compileGlobs([rebaseGlob('packages/web', '../../package-lock.json')!])('package-lock.json'));
  assert.not.ok(compileGlobs([rebaseGlob('packages/web', '../../package-lock.json')!])('packages/api/package-lock.json'));
  assert.is(literalGlob('a*b'), 'a\\*b');
});

test('a check cwd inside a member', () => {
  assert.is(rebaseCwd('packages/web', ''), 'packages/web');
  assert.is(rebaseCwd('packages/web', 'src'), 'packages/web/src');
  assert.is(rebaseCwd('packages/web', '../..'), '');
  assert.is(rebaseCwd('packages/web', '../../..'), null);
});

test('member directories from git paths, shallowest first; the deepest member holds a path', () => {
  assert.equal(memberDirs(['a/b/.heph.json', '.heph.json', 'z/.heph.json', 'x.heph.json', 'c/.heph.json.bak'], ['a/.heph.json']), ['a', 'z', 'a/b']);
  const config = { members: [{ name: 'a', dir: 'a' }, { name: 'ab', dir: 'a/b' }] } as ResolvedConfig;
  assert.is(memberAt(config, 'a/b/c')?.name, 'ab');
  assert.is(memberAt(config, 'a/x')?.name, 'a');
  assert.is(memberAt(config, 'ab'), undefined);
});

function check(member: string | undefined, name: string, extra: Partial<ResolvedCheck> = {}): ResolvedCheck {
  return {
    id: member ? `${member}/quality/${name}` : `quality/${name}`, phase: 'quality', name, run: name, shell: false, fix: null, files: null, inputs: null, env: [],
    ttlMs: Infinity, ttl: 'forever', tags: [], platform: null, timeoutMs: null, cwd: member ?? '', member, symlinks: false, incremental: true, ...extra,
  };
}

const member = (name: string, scope: string[], hooks: Member['hooks'] = null): Member => ({ name, dir: name, file: `${name}/.heph.json`, scope, hooks });

test('scoping: untouched members are skipped in a hook, --project narrows, a member hook overrides', () => {
  const config: ResolvedConfig = {
    file: '/r/.heph.json',
    settings: {} as ResolvedConfig['settings'],
    hooks: {},
    phases: [{ name: 'quality', checks: [check(undefined, 'root'), check('web', 'unit'), check('api', 'unit'), check('lib', 'unit', { tags: ['slow'] })] }],
    members: [member('web', ['web/**']), member('api', ['api/**', 'package-lock.json']), member('lib', ['lib/**'], { 'pre-commit': { mode: 'fast', phases: null, skipTags: ['slow'] } })],
  };
  const run = (changed: string[] | null, projects: string[] | null = null) => {
    const sel = scopeMembers(config, selectChecks(config, { platform: 'linux', candidates: changed ?? [] }), { projects, changed, event: changed ? 'pre-commit' : null });
    return Object.fromEntries(sel.phases.flatMap((p) => p.checks.map((s) => [s.check.id, s.skip ?? 'run'])));
  };
  assert.equal(run(['web/a.js']), { 'quality/root': 'run', 'web/quality/unit': 'run', 'api/quality/unit': 'nothing changed in api', 'lib/quality/unit': "tag slow skipped in lib's pre-commit hook" });
  assert.equal(run(['package-lock.json'])['api/quality/unit'], 'run');
  assert.equal(run(['package-lock.json'])['web/quality/unit'], 'nothing changed in web');
  assert.equal(run(null, ['api', '.']), { 'quality/root': 'run', 'api/quality/unit': 'run' });
  assert.throws(() => run(null, ['nope']), /unknown project "nope"/);
});

test.run();
