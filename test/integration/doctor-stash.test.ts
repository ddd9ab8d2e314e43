import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPool, type Repo } from '../helpers/repo.js';
import { commit, hookedRepo } from '../helpers/hooks.js';

const track = repoPool(test);

/** Kills its heph (the parent of its shell) with SIGKILL when the file HEPH_KILL names exists, once. */
const killer = { name: 'killer', shell: true, run: 'if [ -n "$HEPH_KILL" ] && [ -e "$HEPH_KILL" ]; then rm "$HEPH_KILL"; kill -9 $PPID; sleep 5; fi' };

/** A pre-commit in `cwd` killed outright while a.txt's unstaged line is aside. */
function killedCommit(r: Repo, cwd: string): void {
  const mark = join(r.base, 'kill');
  writeFileSync(mark, '');
  writeFileSync(join(cwd, 'a.txt'), 'staged\n');
  r.gitResult(['add', 'a.txt'], { cwd });
  writeFileSync(join(cwd, 'a.txt'), 'staged\nunstaged\n');
  assert.is.not(commit(r, ['-m', 'a'], { cwd, env: { HEPH_KILL: mark } }).code, 0, 'killed');
}

test('doctor names what killed runs left aside: this worktree\'s, another worktree\'s, a removed worktree\'s, and kept copies', () => {
  const r = track(hookedRepo([killer]));
  const live = join(r.base, 'wt-live');
  const gone = join(r.base, 'wt-gone');
  r.git('worktree', 'add', '-q', live);
  r.git('worktree', 'add', '-q', gone);
  const clean = r.heph(['doctor']);
  assert.match(clean.stdout, /^✔ stash\s+no unstaged changes of this worktree put aside/m);
  assert.match(clean.stdout, /^✔ stash-other\s+no unstaged changes of other worktrees put aside/m);
  assert.match(clean.stdout, /^✔ kept\s+no copies of your files kept/m);

  killedCommit(r, live);
  killedCommit(r, gone);
  r.git('worktree', 'remove', '--force', gone);
  // A kill here, then an edit before the next run: that run keeps the edit and a copy of the earlier version.
  killedCommit(r, r.dir);
  r.write('a.txt', 'edited after the kill\n');
  assert.match(r.heph(['run']).stderr, /your version from before is in .*kept/);
  killedCommit(r, r.dir);

  const stash = r.path('.git/heph/stash');
  const before = readdirSync(stash).sort();
  const res = r.heph(['doctor']);
  assert.is(res.code, 1, res.stdout + res.stderr);
  const line = (name: string) => res.stdout.split('\n').find((l) => new RegExp(`^. ${name}\\s`).test(l)) ?? '';
  assert.match(line('stash'), /^✖ stash\s+unstaged changes of this worktree put aside by a killed heph run: .*\/stash\/[^,]*\.d\s.*fix: run `heph run` \(or commit\): the next heph command here puts them back/);
  const other = line('stash-other');
  assert.match(other, /^✖ stash-other\s+unstaged changes put aside by a killed heph run/);
  assert.match(other, new RegExp(`of the worktree ${live} in .*\\.d`));
  assert.match(other, new RegExp(`of ${gone}, which no longer exists, in .*\\.d`));
  assert.match(other, new RegExp(`fix: run \`heph run\` in ${live}: heph puts them back there; copy them back by hand: aside/ holds them and manifest.json says where each path belongs`));
  assert.match(line('kept'), /^✔ kept\s+.*\/heph\/kept holds 1 set of copies of your files, kept on purpose .*deleting that folder is your call, heph never does/);
  assert.equal(readdirSync(stash).sort(), before, 'doctor changes nothing');
  assert.is(r.read('a.txt'), 'staged\n', 'this worktree\'s unstaged line is still aside');
  assert.ok(existsSync(r.path('.git/heph/kept')));
});

test.run();
