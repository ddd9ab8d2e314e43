import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, Repo, repoPool } from '../helpers/repo.js';
import { commit, rejects } from '../helpers/hooks.js';

const track = repoPool(test);

/** A repository whose hooks another manager owns, with heph as a local dependency (node_modules/.bin/heph). */
function managed(): Repo {
  const r = track(new Repo());
  r.write('.gitignore', 'node_modules/\n');
  mkdirSync(r.path('node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, r.path('node_modules/.bin/heph'));
  r.config({ phases: [{ name: 'quality', checks: [{ name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] }] }] });
  return r;
}

/** What husky (v9) sets up: core.hooksPath=.husky/_, whose stubs run .husky/<event> with node_modules/.bin on PATH. */
function huskyRepo(): Repo {
  const r = managed();
  r.write('.husky/pre-commit', 'echo "husky pre-commit ran" >> ../husky-ran\n');
  r.write('.husky/_/pre-commit', '#!/bin/sh\nexport PATH="node_modules/.bin:$PATH"\nexec sh -e ".husky/$(basename "$0")" "$@"\n', 0o755);
  r.write('.husky/_/pre-push', '#!/bin/sh\nexport PATH="node_modules/.bin:$PATH"\nexec sh -e ".husky/$(basename "$0")" "$@"\n', 0o755);
  r.git('config', 'core.hooksPath', '.husky/_');
  r.commitAll('husky');
  return r;
}

test('install --into husky adds one line to each .husky hook; commits go through husky and heph; uninstall removes exactly that line', () => {
  const r = huskyRepo();
  const before = r.read('.husky/pre-commit');
  assert.is(r.heph(['install']).code, 2, 'plain install refuses: husky owns core.hooksPath');
  let res = r.heph(['install', '--into', 'husky']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, 'added heph to .husky/pre-commit');
  assert.match(res.stdout, 'created .husky/pre-push');
  assert.is(r.read('.husky/pre-commit'), before + 'heph hook run pre-commit "$@" # heph: remove with heph uninstall\n');
  assert.is(r.git('config', 'core.hooksPath').trim(), '.husky/_', 'core.hooksPath is left to husky');
  assert.match(r.heph(['install', '--into', 'husky']).stdout, 'nothing changed');

  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  assert.is.not(commit(r, ['-m', 'bad']).code, 0, 'heph blocks the commit from inside husky\'s hook');
  assert.match(r.read('../husky-ran'), 'husky pre-commit ran');
  r.write('a.txt', 'good\n').git('add', 'a.txt');
  res = commit(r, ['-m', 'good']);
  assert.is(res.code, 0, res.stderr);

  res = r.heph(['uninstall']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, 'removed heph from .husky/pre-commit');
  assert.is(r.read('.husky/pre-commit'), before, 'byte for byte what husky had');
  assert.not.ok(r.exists('.husky/pre-push'), 'the hook heph created is gone');
  assert.is(r.git('config', 'core.hooksPath').trim(), '.husky/_');
  r.write('a.txt', 'BAD again\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'no heph']).code, 0, 'heph no longer runs');
});

test('install --into simple-git-hooks edits its package.json commands; uninstall restores the file exactly', () => {
  const r = managed();
  const pkg = JSON.stringify({ name: 'app', private: true, 'simple-git-hooks': { 'pre-commit': 'echo sgh >> ../sgh-ran' } }, null, 2) + '\n';
  r.write('package.json', pkg).commitAll('sgh');
  const res = r.heph(['install', '--into', 'simple-git-hooks']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, 'npx simple-git-hooks');
  const hooks = JSON.parse(r.read('package.json'))['simple-git-hooks'];
  assert.is(hooks['pre-commit'], 'echo sgh >> ../sgh-ran && PATH="node_modules/.bin:$PATH" heph hook run pre-commit "$@" # heph: remove with heph uninstall');
  assert.ok(hooks['pre-push'].startsWith('PATH="node_modules/.bin:$PATH" heph hook run pre-push'));
  // What `npx simple-git-hooks` does: each command becomes .git/hooks/<event>.
  for (const [event, cmd] of Object.entries<string>(hooks)) {
    writeFileSync(join(r.dir, '.git', 'hooks', event), `#!/bin/sh\n${cmd}\n`);
    chmodSync(join(r.dir, '.git', 'hooks', event), 0o755);
  }
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  assert.is.not(commit(r, ['-m', 'bad']).code, 0);
  r.write('a.txt', 'fine\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'fine']).code, 0);
  assert.match(r.read('../sgh-ran'), 'sgh');
  assert.is(r.heph(['uninstall']).code, 0);
  assert.is(r.read('package.json'), pkg);
});

test('install --into: an unknown manager and a missing .husky/ are usage errors', () => {
  const r = managed();
  r.commitAll();
  let res = r.heph(['install', '--into', 'overcommit']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'unknown hook manager "overcommit"');
  res = r.heph(['install', '--into', 'husky']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'no .husky/ folder');
});

test.run();
