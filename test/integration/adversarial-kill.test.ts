/**
 * Attacks on the recovery of a pre-commit killed outright (kill -9): what the
 * killed run left aside must never sit unreported.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool, sh } from '../helpers/repo.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

/** A check that kills its heph (the parent of its shell) with SIGKILL, once. */
const killer = { name: 'killer', shell: true, run: 'if [ ! -e ../killed ]; then : > ../killed; kill -9 $PPID; sleep 5; fi' };

test('a repository moved after a killed hook is told where its unstaged changes are', () => {
  const r = track(hookedRepo([killer]));
  r.write('a.txt', 'a\n').write('b.txt', 'b\n').commitAll('base');
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b precious, not staged\n');
  assert.is.not(commit(r, ['-m', 'c']).code, 0, 'killed');
  assert.is(r.read('b.txt'), 'b\n', 'the change was aside when heph died');
  const moved = join(r.base, 'moved');
  renameSync(r.dir, moved);
  const res = sh(process.execPath, [join(process.cwd(), 'dist', 'cli.cjs'), 'run', '--no-fix'], { cwd: moved, env: r.env });
  const said = res.stdout + res.stderr;
  const m = /(\S*heph\/stash\/\S+\.d):/.exec(said);
  assert.ok(m, `the run names the folder holding the work:\n${said}`);
  const dir = m![1];
  assert.ok(existsSync(join(dir, 'manifest.json')), dir);
  assert.ok(readFileSync(join(dir, 'manifest.json'), 'utf8').includes('b.txt'));
});

test.run();
