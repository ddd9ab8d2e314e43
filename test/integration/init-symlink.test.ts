/** `heph init` never writes through a `.heph.json` that is a symlink, nor over anything but a regular file. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';

const track = repoPool(test);

function nodeRepo(): Repo {
  return track(new Repo()).write('package.json', '{}').write('package-lock.json', '{}');
}

/** A file outside the repository, and `.heph.json` a link to it. */
function linked(r: Repo, content: string | null): string {
  const outside = join(r.base, 'outside.json');
  if (content !== null) writeFileSync(outside, content);
  symlinkSync(outside, r.path('.heph.json'));
  return outside;
}

function refused(r: Repo, args: string[], outside: string, content: string | null): void {
  const res = r.heph(args);
  assert.is(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
  assert.match(res.stderr, new RegExp(`\\.heph\\.json is a symbolic link to ${outside}; heph init writes only a regular file, never through a link`));
  assert.match(res.stderr, /rm "\.heph\.json"/);
  assert.not.match(res.stderr, /unexpected error|\n\s+at /);
  assert.ok(lstatSync(r.path('.heph.json')).isSymbolicLink(), 'the link is left as it is');
  assert.is(readlinkSync(r.path('.heph.json')), outside);
  if (content === null) assert.ok(!existsSync(outside), 'nothing is created outside the repository');
  else assert.is(readFileSync(outside, 'utf8'), content, 'the file outside the repository is unchanged');
}

test('init --force refuses a .heph.json that links outside the repository (exit 2), writing nothing', () => {
  const r = nodeRepo();
  const outside = linked(r, '{"shared": true}\n');
  refused(r, ['init', '--force'], outside, '{"shared": true}\n');
  refused(r, ['init'], outside, '{"shared": true}\n');
});

test('init, even without --force, refuses a dangling .heph.json link instead of creating its target', () => {
  const r = nodeRepo();
  const outside = linked(r, null);
  refused(r, ['init'], outside, null);
  refused(r, ['init', '--force'], outside, null);
});

test('init --from refuses the link the same way', () => {
  const r = nodeRepo();
  r.write('lefthook.yml', 'pre-commit:\n  commands:\n    lint:\n      run: npx eslint {staged_files}\n');
  const outside = linked(r, '{"shared": true}\n');
  refused(r, ['init', '--from', 'lefthook', '--force'], outside, '{"shared": true}\n');
  const dangling = nodeRepo();
  dangling.write('lefthook.yml', 'pre-commit:\n  commands:\n    lint:\n      run: npx eslint {staged_files}\n');
  refused(dangling, ['init', '--from', 'lefthook'], linked(dangling, null), null);
});

test('a .heph.json that is a folder is refused with exit 2, not a stack trace', () => {
  const r = nodeRepo();
  mkdirSync(r.path('.heph.json'));
  const res = r.heph(['init', '--force']);
  assert.is(res.code, 2, res.stdout + res.stderr);
  assert.match(res.stderr, /\.heph\.json is a folder; heph init writes only a regular file/);
  assert.ok(lstatSync(r.path('.heph.json')).isDirectory());
});

test('a workspace member whose .heph.json is a dangling link is not written through', () => {
  const r = track(new Repo());
  r.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }));
  r.write('package-lock.json', '{ "lockfileVersion": 3 }\n');
  r.write('packages/web/package.json', JSON.stringify({ name: 'web', scripts: { test: 'node --test' } }));
  const outside = join(r.base, 'member-outside.json');
  symlinkSync(outside, r.path('packages/web/.heph.json'));
  const init = r.heph(['init', '--missing', 'keep']);
  assert.is(init.code, 0, init.stderr);
  assert.ok(!existsSync(outside), 'nothing is created outside the repository');
  assert.ok(lstatSync(r.path('packages/web/.heph.json')).isSymbolicLink());
  assert.ok(lstatSync(r.path('.heph.json')).isFile());
});

test.run();
