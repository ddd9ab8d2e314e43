import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head, hookedRepo, rejects, show } from '../helpers/hooks.js';
import { spawn } from 'node:child_process';
import { waitFor } from '../helpers/proc.js';

const track = repoPool(test);

const noBad = { name: 'no-bad', shell: true, run: rejects('BAD'), files: ['*.txt'] };

test('a commit runs the checks on the staged content only; unstaged hunks are hidden and restored', () => {
  const r = track(hookedRepo([noBad]));
  r.write('a.txt', 'good\n').git('add', 'a.txt');
  r.write('a.txt', 'good\nBAD unstaged\n'); // the bad line is not staged
  const before = head(r);
  assert.is(commit(r, ['-m', 'a']).code, 0, 'the staged content passes');
  assert.is.not(head(r), before);
  assert.is(show(r, 'HEAD:a.txt'), 'good\n');
  assert.is(r.read('a.txt'), 'good\nBAD unstaged\n', 'unstaged work is back');
  assert.is(r.git('diff', '--cached', '--name-only'), '');
});

test('a failing check blocks the commit and the unstaged work survives', () => {
  const r = track(hookedRepo([noBad]));
  r.write('a.txt', 'BAD staged\n').git('add', 'a.txt');
  r.write('a.txt', 'BAD staged\nmore unstaged\n');
  const before = head(r);
  const res = commit(r, ['-m', 'a']);
  assert.is.not(res.code, 0);
  assert.match(res.stdout + res.stderr, /quality\/no-bad\s+failed/);
  assert.is(head(r), before);
  assert.is(r.read('a.txt'), 'BAD staged\nmore unstaged\n');
  assert.is(r.git('show', ':a.txt'), 'BAD staged\n', 'the index is as it was');
});

test('a crashing check still restores unstaged work', () => {
  const r = track(hookedRepo([{ name: 'crash', shell: true, run: 'kill -SEGV $$', files: ['*.txt'] }]));
  r.write('a.txt', 'x\n').git('add', 'a.txt');
  r.write('a.txt', 'x\ny\n');
  assert.is.not(commit(r, ['-m', 'a']).code, 0);
  assert.is(r.read('a.txt'), 'x\ny\n');
  assert.equal(readdirSync(r.path('.git/heph/stash')), [], 'no patch left behind');
});

test('fixes are re-staged; unstaged edits elsewhere in the file are merged back', () => {
  const r = track(hookedRepo([{ name: 'fmt', shell: true, run: rejects('lower'), fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] }]));
  r.write('a.txt', 'line 1\nlower\nline 3\nline 4\nline 5\nline 6\n').commitAll('base');
  r.write('a.txt', 'line 1\nlower again\nline 3\nline 4\nline 5\nline 6\n').git('add', 'a.txt');
  r.write('a.txt', 'line 1\nlower again\nline 3\nline 4\nline 5\nline 6 unstaged\n');
  assert.is(commit(r, ['-m', 'fix']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'line 1\nUPPER again\nline 3\nline 4\nline 5\nline 6\n', 'the fix is committed');
  assert.is(r.read('a.txt'), 'line 1\nUPPER again\nline 3\nline 4\nline 5\nline 6 unstaged\n', 'fix and unstaged work both kept');
});

test('a fix on the same lines as unstaged edits keeps the user version in the working tree', () => {
  const r = track(hookedRepo([{ name: 'fmt', shell: true, run: rejects('lower'), fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] }]));
  r.write('a.txt', 'lower\n').git('add', 'a.txt');
  r.write('a.txt', 'lower edited\n');
  const res = commit(r, ['-m', 'x']);
  assert.is(res.code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'UPPER\n');
  assert.is(r.read('a.txt'), 'lower edited\n');
  assert.match(res.stdout + res.stderr, /your unstaged changes are back as they were/);
});

test('the first commit (no HEAD) works, with partially staged files', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks: [noBad] }] });
  r.heph(['install']);
  r.write('a.txt', 'one\n').git('add', 'a.txt', '.heph.json');
  r.write('a.txt', 'one\nBAD two\n');
  assert.is(commit(r, ['-m', 'first']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'one\n');
  assert.is(r.read('a.txt'), 'one\nBAD two\n');
});

test('commit -a, commit <paths> and --amend check what is committed', () => {
  const r = track(hookedRepo([noBad]));
  r.write('a.txt', '1\n').write('b.txt', '1\n').commitAll('two files');
  r.write('a.txt', 'BAD\n');
  assert.is.not(commit(r, ['-a', '-m', 'x']).code, 0, 'commit -a sees the modified file');
  r.write('a.txt', '2\n');
  assert.is(commit(r, ['-a', '-m', 'x']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), '2\n');
  // commit <paths>: b.txt is committed; a staged BAD change in a.txt stays staged and unchecked by this commit.
  r.write('a.txt', 'BAD\n').git('add', 'a.txt');
  r.write('b.txt', '2\n');
  assert.is(commit(r, ['-m', 'paths', '--', 'b.txt']).code, 0);
  assert.is(show(r, 'HEAD:b.txt'), '2\n');
  assert.is(show(r, 'HEAD:a.txt'), '2\n');
  assert.is(r.git('show', ':a.txt'), 'BAD\n', 'the other staged change is still staged');
  assert.is(r.read('a.txt'), 'BAD\n');
  r.write('a.txt', '3\n').git('add', 'a.txt');
  assert.is(commit(r, ['-a', '--amend', '-m', 'amended']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), '3\n');
  assert.is(r.git('log', '-1', '--format=%s').trim(), 'amended');
});

test('a commit from a subdirectory, and hostile file names, pass intact', () => {
  const r = track(hookedRepo([{ name: 'list', shell: true, run: 'for f in {files}; do test -f "$f" || exit 9; done', files: ['*.txt'] }]));
  const names = ['sp ace.txt', '-dash.txt', 'new\nline.txt', 'ünï cödé.txt', "q'uo\"te.txt", '$(touch pwned).txt'];
  for (const n of names) r.write(`sub/${n}`, n);
  r.git('add', '-A');
  assert.is(commit(r, ['-m', 'names'], { cwd: r.path('sub') }).code, 0);
  for (const n of names) assert.is(show(r, `HEAD:sub/${n}`), n);
  assert.not.ok(existsSync(r.path('sub/pwned')) || existsSync(r.path('pwned')));
});

test('several thousand staged files are checked in argument-limited batches', () => {
  const r = track(hookedRepo([{ name: 'count', shell: true, run: `printf '%s\\n' {files} >> ${'$'}HEPH_COUNT_FILE`, files: ['*.txt'] }]));
  for (let i = 0; i < 3000; i++) writeFileSync(r.path(`f-${String(i).padStart(5, '0')}-with-a-rather-long-name.txt`), String(i));
  r.git('add', '-A');
  const countFile = join(r.base, 'count');
  assert.is(commit(r, ['-m', 'many'], { env: { HEPH_COUNT_FILE: countFile } }).code, 0);
  const seen = new Set(require_('fs').readFileSync(countFile, 'utf8').trim().split('\n'));
  assert.is(seen.size, 3000);
  assert.is(r.git('ls-tree', '--name-only', 'HEAD').split('\n').filter((l: string) => l.endsWith('.txt')).length, 3000);
});

test('a commit during a merge keeps the merge (MERGE_HEAD) and checks the resolution', () => {
  const r = track(hookedRepo([noBad]));
  r.write('a.txt', 'base\n').commitAll('base');
  r.git('checkout', '-q', '-b', 'other');
  r.write('a.txt', 'other\n').commitAll('other');
  r.git('checkout', '-q', 'main');
  r.write('a.txt', 'main\n').commitAll('main');
  assert.is.not(r.gitResult(['merge', '-q', 'other']).code, 0, 'a conflict');
  r.write('a.txt', 'BAD resolution\n').git('add', 'a.txt');
  r.write('c.txt', 'unstaged-new\n');
  assert.is.not(commit(r, ['--no-edit']).code, 0);
  assert.ok(existsSync(r.path('.git/MERGE_HEAD')), 'still merging after a failed hook');
  r.write('a.txt', 'resolved\n').git('add', 'a.txt');
  assert.is(commit(r, ['--no-edit']).code, 0);
  assert.is(r.git('rev-list', '--parents', '-n1', 'HEAD').trim().split(' ').length, 3, 'a merge commit with two parents');
  assert.is(show(r, 'HEAD:a.txt'), 'resolved\n');
});

test('Ctrl-C during a slow check stops it and restores unstaged work', async () => {
  const r = track(hookedRepo([{ name: 'slow', shell: true, run: 'touch "$HEPH_MARK"; sleep 30', files: ['*.txt'] }]));
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('a.txt', 'staged\nunstaged\n');
  const mark = join(r.base, 'started');
  const child = spawn('git', ['commit', '-q', '-m', 'x'], { cwd: r.dir, env: { ...r.env, HEPH_MARK: mark }, stdio: 'ignore', detached: true });
  await waitFor(() => existsSync(mark), 'the check to start');
  assert.is(r.read('a.txt'), 'staged\n', 'unstaged work is put aside while the check runs');
  process.kill(-child.pid!, 'SIGINT'); // the terminal sends Ctrl-C to the whole foreground group
  const code = await new Promise<number | null>((res) => child.on('close', res));
  assert.is.not(code, 0);
  // git returns at once on Ctrl-C; heph finishes restoring a moment later.
  await waitFor(() => r.read('a.txt') === 'staged\nunstaged\n' && readdirSync(r.path('.git/heph/stash')).length === 0, 'the restore');
  assert.is(r.read('a.txt'), 'staged\nunstaged\n');
  assert.is(r.git('show', ':a.txt'), 'staged\n');
});

/** A check that kills its heph (the parent of its shell) with SIGKILL, once. */
const killer = { name: 'killer', shell: true, run: 'if [ ! -e ../killed ]; then : > ../killed; kill -9 $PPID; sleep 5; fi' };

test('a pre-commit kill -9 leaves the changes aside: doctor reports them, and the next heph run puts them back', () => {
  const r = track(hookedRepo([noBad, killer]));
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('a.txt', 'staged\nunstaged\n');
  assert.is.not(commit(r, ['-m', 'a']).code, 0, 'killed');
  assert.is(r.read('a.txt'), 'staged\n', 'the unstaged line was aside');
  const doctor = r.heph(['doctor']);
  assert.match(doctor.stdout, /✖ stash\s+unstaged changes of this worktree put aside by a killed heph run: .*\.d\s.*fix: run `heph run`/);
  const res = r.heph(['run']);
  assert.match(res.stderr, /restored unstaged changes that an interrupted heph run had put aside/);
  assert.is(r.read('a.txt'), 'staged\nunstaged\n');
  assert.equal(readdirSync(r.path('.git/heph/stash')), []);
});

test('a kill in the middle of putting changes aside (some files moved, some not) is recovered path by path', () => {
  const r = track(hookedRepo([noBad, killer]));
  r.write('a.txt', 'a staged\n').write('b.txt', 'b staged\n').git('add', 'a.txt', 'b.txt');
  r.write('a.txt', 'a staged\na unstaged\n').write('b.txt', 'b staged\nb unstaged\n');
  assert.is.not(commit(r, ['-m', 'a']).code, 0, 'killed');
  // Make it as if the kill came after a.txt moved and before b.txt did.
  const dir = r.path('.git/heph/stash');
  const stash = join(dir, readdirSync(dir).find((f) => f.endsWith('.d'))!);
  const manifest = JSON.parse(require_('fs').readFileSync(join(stash, 'manifest.json'), 'utf8'));
  const b = manifest.entries.find((e: { path: string }) => e.path === 'b.txt');
  require_('fs').renameSync(join(stash, b.aside), r.path('b.txt'));
  const res = r.heph(['run']);
  assert.match(res.stderr, /restored unstaged changes/);
  assert.equal([r.read('a.txt'), r.read('b.txt')], ['a staged\na unstaged\n', 'b staged\nb unstaged\n']);
  assert.equal([r.git('show', ':a.txt'), r.git('show', ':b.txt')], ['a staged\n', 'b staged\n']);
  assert.equal(readdirSync(dir), []);
});

import { createRequire } from 'node:module';
const require_ = createRequire(import.meta.url);

test.run();
