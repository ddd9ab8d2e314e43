import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readScope, scopeLiteralPaths, scopePathspecs } from '../../lib/plan/scope.js';
import type { Member, ResolvedCheck, ResolvedConfig } from '../../lib/config/types.js';

function check(member: string | undefined, name: string, extra: Partial<ResolvedCheck> = {}): ResolvedCheck {
  return {
    id: member ? `${member}/quality/${name}` : `quality/${name}`, phase: 'quality', name, run: name, shell: false, fix: null, files: null, inputs: null, env: [],
    ttlMs: Infinity, ttl: 'forever', tags: [], platform: null, timeoutMs: null, cwd: member ?? '', member, symlinks: false, incremental: true, ...extra,
  };
}

const member = (name: string, scope: string[]): Member => ({ name, dir: `packages/${name}`, file: `packages/${name}/.heph.json`, scope, hooks: null });

function config(rootChecks: ResolvedCheck[]): ResolvedConfig {
  return {
    file: '/r/.heph.json',
    settings: {} as ResolvedConfig['settings'],
    hooks: {},
    phases: [
      {
        name: 'quality',
        checks: [
          ...rootChecks,
          check('web', 'lint', { files: ['packages/web/**/*.js'], inputs: ['packages/web/**/*.js'] }),
          check('web', 'unit', { inputs: ['packages/web/src/**', 'packages/web/package.json', './package-lock.json', 'tsconfig.json', '!packages/web/dist/**'] }),
          check('api', 'unit', { inputs: ['packages/api/**'] }),
        ],
      },
    ],
    members: [member('web', ['packages/web/**', './package-lock.json', 'tsconfig.json']), member('api', ['packages/api/**'])],
  };
}

const scope = (cfg: ResolvedConfig, staged: string[]) => readScope(cfg, staged, { platform: 'linux' }, { projects: null, changed: null, event: 'pre-commit' });

test('a commit touching one member reads that member, its inputs outside it and the configs', () => {
  const s = scope(config([]), ['packages/web/src/a.js']);
  assert.equal(s, {
    literal: ['.heph.json', 'package-lock.json', 'packages/web/'],
    anywhere: ['tsconfig.json'],
  });
  assert.equal(scopePathspecs(s!).slice(-2), [':(literal)packages/web/', ':(glob)**/tsconfig.json']);
  // Literal paths for commands that take pathspecs literally: a name at any depth becomes the tracked files of that name outside the directories.
  assert.equal(scopeLiteralPaths(s!, ['packages/web/tsconfig.json', 'tsconfig.json', 'packages/api/tsconfig.json', 'packages/api/a.js']).slice(-2), ['tsconfig.json', 'packages/api/tsconfig.json']);
});

test('a commit touching no member reads nothing more; a root check that runs widens the scope', () => {
  assert.equal(scope(config([check(undefined, 'md', { files: ['docs/**/*.md'], inputs: ['docs/**/*.md'] })]), ['README.txt']), { literal: ['.heph.json'], anywhere: [] });
  assert.ok(scope(config([check(undefined, 'md', { files: ['docs/**/*.md'], inputs: ['docs/**/*.md'] })]), ['docs/a/b.md'])?.literal.includes('docs/'));
});

test('the whole tree: no members, a root check on every file, a glob with nothing literal before it', () => {
  const plain = config([]);
  assert.is(readScope({ ...plain, members: [] }, ['a'], { platform: 'linux' }, { projects: null, changed: null, event: 'pre-commit' }), null);
  assert.is(scope(config([check(undefined, 'tsc')]), ['packages/web/a.js']), null, 'a root check with default inputs reads anything');
  assert.is(scope(config([check(undefined, 'md', { files: ['*.md'], inputs: ['*.md'] })]), ['x/README.md']), null, 'a glob without a slash, with glob characters');
  assert.is(scope(config([check(undefined, 'x', { files: ['**/x.txt'], inputs: ['**/x.txt'] })]), ['x.txt']), null);
  assert.is(scope(config([check(undefined, 'x', { files: ['{a,b}/x.txt'], inputs: ['{a,b}/x.txt'] })]), ['a/x.txt']), null);
  assert.is(scope(config([check(undefined, 'x', { files: ['./*.txt'], inputs: ['./*.txt'] })]), ['x.txt']), null);
});

test('a root check skipped by tag, HEPH_SKIP or its files does not widen the scope', () => {
  const cfg = config([check(undefined, 'tsc', { tags: ['slow'] })]);
  assert.ok(readScope(cfg, ['packages/web/a.js'], { platform: 'linux', skipTags: ['slow'] }, { projects: null, changed: null, event: 'pre-commit' }));
  assert.ok(readScope(cfg, ['packages/web/a.js'], { platform: 'linux', skip: ['tsc'] }, { projects: null, changed: null, event: 'pre-commit' }));
  assert.is(readScope(cfg, ['packages/web/a.js'], { platform: 'linux' }, { projects: null, changed: null, event: 'pre-commit' }), null);
});

test('paths inside a directory of the scope are not given again (a name sharing its prefix is)', () => {
  const cfg = config([check(undefined, 'docs', { files: ['docs/api/**/*.md'], inputs: ['docs/**', 'docs/api/**/*.md', './docs.txt', 'docsx/a.md'] })]);
  assert.equal(scope(cfg, ['docs/api/a.md'])!.literal, ['.heph.json', 'docs.txt', 'docs/', 'docsx/a.md']);
});

test('past 400 paths to read, the whole tree', () => {
  const inputs = Array.from({ length: 401 }, (_, i) => `lib${i}/x.txt`);
  assert.is(scope(config([check(undefined, 'many', { inputs })]), ['a']), null);
  assert.ok(scope(config([check(undefined, 'many', { inputs: inputs.slice(0, 100) })]), ['a']));
});

test.run();
