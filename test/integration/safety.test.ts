/**
 * What no hook may ever do: lose, move or silently change the user's work.
 * Each test is one way a pre-commit (or a post-change hook) used to do it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, head, hookedRepo, show } from '../helpers/hooks.js';

const track = repoPool(test);

/** The common setup: a fix that rewrites foo to bar in *.txt, a second check, full mode. */
const fooFix = { name: 'foo', shell: true, run: '! grep -l foo {files}', fix: 'sed -i s/foo/bar/ {files}', files: ['*.txt'] };
const ok = { name: 'ok', shell: true, run: 'true' };
const full = { hooks: { 'pre-commit': { mode: 'full' } } };

function setup(extraChecks: object[] = [], extra: object = {}): Repo {
  return track(hookedRepo([fooFix, ok, ...extraChecks], { ...full, ...extra }));
}

/** A check that kills its heph (the parent of its shell) with SIGKILL, once. */
const killer = (marker: string) => ({ name: 'killer', shell: true, run: `if [ ! -e ${marker} ]; then : > ${marker}; kill -9 $PPID; sleep 5; fi` });

test('1: a tracked file replaced by an unstaged directory keeps the directory and its content', () => {
  const r = setup();
  r.write('x.md', 'tracked\n').write('a.txt', 'a\n').commitAll('base');
  r.remove('x.md').write('x.md/inner.txt', 'precious\n');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'c']).code, 0);
  assert.is(r.read('x.md/inner.txt'), 'precious\n');
  assert.is(show(r, 'HEAD:x.md'), 'tracked\n');
});

test('1: a tracked directory replaced by an unstaged file keeps the file', () => {
  const r = setup();
  r.write('d/a', 'one\n').write('d/b', 'two\n').write('a.txt', 'a\n').commitAll('base');
  r.remove('d').write('d', 'precious file\n');
  r.write('a.txt', 'a2\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'c']).code, 0);
  assert.is(r.read('d'), 'precious file\n');
  assert.is(show(r, 'HEAD:d/a'), 'one\n');
});

test('2: an unstaged symlink change survives a fix that collides with unstaged lines elsewhere', () => {
  const r = setup();
  r.write('a.txt', 'x\n').write('t1', '1').write('t2', '2');
  symlinkSync('t1', r.path('link'));
  r.commitAll('base');
  unlinkSync(r.path('link'));
  symlinkSync('t2', r.path('link'));
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  r.write('a.txt', 'foo unstaged\n'); // the fix's line
  assert.is(commit(r, ['-m', 'c']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'bar\n');
  assert.is(readlinkSync(r.path('link')), 't2', 'the symlink change is back');
  assert.is(r.read('a.txt'), 'foo unstaged\n', 'the unstaged line is back');
});

const HOSTILE = [
  '[diff]',
  '\tnoprefix = true',
  '\tmnemonicPrefix = true',
  '\trelative = true',
  '\trenames = copies',
  '[color]',
  '\tui = always',
  '[core]',
  '\tquotePath = true',
  '[apply]',
  '\twhitespace = fix',
  '',
].join('\n');

test('3: a hostile ~/.gitconfig (noprefix, color, ...) does not break putting aside, restoring, or recovery after kill -9', () => {
  const r = setup([killer('../killed')]);
  writeFileSync(join(r.base, '.gitconfig'), HOSTILE);
  r.write('a.txt', 'x\n').write('b.txt', 'b \n').write('t1', '1').write('t2', '2');
  symlinkSync('t1', r.path('link'));
  r.commitAll('base');
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b unstaged  \n');
  unlinkSync(r.path('link'));
  symlinkSync('t2', r.path('link'));
  assert.is.not(commit(r, ['-m', 'c']).code, 0, 'killed');
  assert.is(r.read('b.txt'), 'b \n', 'the change was aside when heph died');
  const rec = r.heph(['run']);
  assert.match(rec.stdout + rec.stderr, /restored unstaged changes/);
  assert.is(r.read('b.txt'), 'b unstaged  \n', 'byte for byte, trailing spaces too');
  assert.is(readlinkSync(r.path('link')), 't2');
  assert.is(r.git('show', ':a.txt'), 'staged\n');
});

test('a closed terminal (SIGHUP) during the hook: the unstaged work is back before heph exits', () => {
  const r = setup([{ name: 'hup', shell: true, run: 'kill -HUP $PPID; sleep 1' }]);
  r.write('b.txt', 'b\n').commitAll('base');
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b unstaged\n');
  assert.is.not(commit(r, ['-m', 'c']).code, 0);
  assert.is(r.read('b.txt'), 'b unstaged\n', 'restored by heph itself, not by a later run');
  assert.is(r.git('show', ':a.txt'), 'staged\n');
});

test('a kill while the committed .heph.json is broken and the fixed one is aside: the next run puts it back first (fuzz case 7000039)', () => {
  const r = setup([killer('../killed')]);
  const good = r.read('.heph.json');
  r.write('a.txt', 'a\n').write('.heph.json', '{}').commitAll('a broken config is committed');
  r.write('.heph.json', good); // being repaired, not staged
  r.write('a.txt', 'a2\n');
  assert.is.not(commit(r, ['-m', 'c', '--', 'a.txt']).code, 0, 'killed');
  assert.is(r.read('.heph.json'), '{}', 'the repaired config was aside when heph died');
  const rec = r.heph(['run', '--only', 'ok']);
  assert.match(rec.stderr, /restored unstaged changes/);
  assert.is(r.read('.heph.json'), good);
  assert.is(rec.code, 0, rec.stderr);
});

test('a kill before anything was moved aside leaves nothing behind once the next run has looked (fuzz case 7200194)', () => {
  const r = setup();
  const dir = r.path('.git/heph/stash');
  mkdirSync(join(dir, '2026-01-01T00-00-00-000Z-1.d'), { recursive: true });
  writeFileSync(join(dir, '2026-01-01T00-00-00-000Z-1.patch.tmp'), 'half a patch');
  writeFileSync(r.path('a.txt'), 'untouched\n');
  const res = r.heph(['run', '--only', 'ok']);
  assert.is(res.code, 0, res.stderr);
  assert.equal(readdirSync(dir), []);
  assert.is(r.read('a.txt'), 'untouched\n');
});

test('a kill -9 while a fix runs during git commit -a: what the fix replaced stays reachable and the next run says where', () => {
  const r = setup();
  r.config({
    phases: [{ name: 'quality', checks: [{ ...fooFix, fix: 'sed -i s/foo/bar/ {files} && kill -9 $PPID' }, ok] }],
    ...full,
  });
  r.write('a.txt', 'x\n').commitAll('base');
  r.write('a.txt', 'foo only in the working tree\n');
  assert.is.not(commit(r, ['-a', '-m', 'c']).code, 0, 'killed');
  assert.is(r.read('a.txt'), 'bar only in the working tree\n', 'the fix ran');
  const rec = r.heph(['run', '--only', 'ok']);
  assert.match(rec.stderr, /refs\/worktree\/heph\/before-killed-fix/);
  assert.is(r.git('show', 'refs/worktree/heph/before-killed-fix:before/a.txt'), 'foo only in the working tree\n');
  assert.not.match(r.heph(['run', '--only', 'ok']).stderr, /before-killed-fix/, 'said once');
});

test('a stash whose paths are all back (what a kill during the clean-up leaves, fuzz case 7300229) is removed silently by the next run', () => {
  const r = setup([killer('../killed')]);
  r.write('b.txt', 'b\n').commitAll('base');
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b unstaged\n');
  assert.is.not(commit(r, ['-m', 'c']).code, 0, 'killed');
  // As if the kill came after the change was back and the patch removed, before the folder was.
  const dir = r.path('.git/heph/stash');
  const d = readdirSync(dir).find((f) => f.endsWith('.d'))!;
  rmSync(join(dir, d.replace(/\.d$/, '.patch')));
  r.remove('b.txt');
  renameSync(join(dir, d, 'aside', '0'), r.path('b.txt'));
  const rec = r.heph(['run', '--only', 'ok']);
  assert.is(rec.code, 0, rec.stderr);
  assert.not.match(rec.stderr, /older heph/);
  assert.equal(readdirSync(dir), []);
  assert.is(r.read('b.txt'), 'b unstaged\n');
});

test('4: a patch left by a kill in one worktree is never applied to another', () => {
  const r = setup([killer('../killed')]);
  r.write('b.txt', 'b\n').commitAll('base');
  const other = join(r.base, 'other');
  r.git('worktree', 'add', '-q', '-b', 'side', other);
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b main unstaged\n');
  assert.is.not(commit(r, ['-m', 'c']).code, 0, 'killed');
  const inOther = r.heph(['run'], { cwd: other });
  assert.is(readFileSync(join(other, 'b.txt'), 'utf8'), 'b\n', "the other worktree did not get main's change");
  assert.not.match(inOther.stdout + inOther.stderr, /restored unstaged changes/);
  r.heph(['run']);
  assert.is(r.read('b.txt'), 'b main unstaged\n', 'main gets its change back');
});

test('4: clones sharing HEPH_HOME never take each other’s patches', () => {
  const home = join(mkTmp(), 'heph-home');
  const a = setup([killer('../killed')]);
  a.write('b.txt', 'b\n').commitAll('base');
  const b = track(new Repo());
  b.git('fetch', '-q', a.dir, 'main');
  b.git('checkout', '-q', '-f', '-B', 'main', 'FETCH_HEAD');
  a.write('a.txt', 'staged\n').git('add', 'a.txt');
  a.write('b.txt', 'b unstaged in a\n');
  assert.is.not(commit(a, ['-m', 'c'], { env: { HEPH_HOME: home } }).code, 0);
  b.heph(['run'], { env: { HEPH_HOME: home } });
  assert.is(b.read('b.txt'), 'b\n');
  a.heph(['run'], { env: { HEPH_HOME: home } });
  assert.is(a.read('b.txt'), 'b unstaged in a\n');
});

test('5: an edit saved while the hook runs is kept, and the earlier version is kept too and named', () => {
  const r = setup([{ name: 'autosave', shell: true, run: 'printf "saved during the hook\\n" > b.txt' }]);
  r.write('b.txt', 'b\n').commitAll('base');
  r.write('a.txt', 'staged\n').git('add', 'a.txt');
  r.write('b.txt', 'b before the hook\n');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stderr);
  assert.is(r.read('b.txt'), 'saved during the hook\n', 'the newer content stays');
  const m = /(\S*heph\S*b\.txt)/.exec(res.stdout + res.stderr);
  assert.ok(m, `the output names where the other copy is:\n${res.stdout}${res.stderr}`);
  assert.is(readFileSync(m![1], 'utf8'), 'b before the hook\n');
});

test('5: a staged file saved during the hook is not staged by a fix elsewhere (fuzz case 9000390)', () => {
  const r = setup([{ name: 'autosave', shell: true, run: 'printf "saved during the hook\\n" > y.md' }]);
  r.write('y.md', 'y\n').commitAll('base');
  r.write('y.md', 'y staged\n').git('add', 'y.md');
  r.write('y.md', 'y staged\ny unstaged\n');
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'bar\n', 'the fix is committed');
  assert.is(show(r, 'HEAD:y.md'), 'y staged\n', 'the commit holds what was staged, not the autosave');
  assert.is(r.git('show', ':y.md'), 'y staged\n');
  assert.is(r.read('y.md'), 'saved during the hook\n', 'the newer content stays');
  const m = /(\S*heph\S*y\.md)/.exec(res.stdout + res.stderr);
  assert.ok(m, res.stdout + res.stderr);
  assert.is(readFileSync(m![1], 'utf8'), 'y staged\ny unstaged\n');
  assert.not.match(res.stdout + res.stderr, /could not record/, 'the rollback point records the working tree from before the hook');
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/y.md'), 'y staged\ny unstaged\n');
});

test('an edit during the hook next to an intent-to-add file: the rollback point still records (fuzz case 7700386)', () => {
  const r = setup();
  // The save comes first (its own phase), then the fix records its rollback point.
  r.config({ phases: [{ name: 'editor', checks: [{ name: 'autosave', shell: true, run: 'printf "saved during the hook\\n" > y.md' }] }, { name: 'quality', checks: [fooFix, ok] }], ...full });
  r.write('y.md', 'y\n').commitAll('base');
  r.write('y.md', 'y unstaged\n');
  r.write('new.txt', 'intent\n').git('add', '-N', 'new.txt');
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stderr);
  assert.not.match(res.stdout + res.stderr, /could not record/);
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/y.md'), 'y unstaged\n');
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/new.txt'), 'intent\n');
  assert.is(r.git('diff', '--name-status', '--', 'new.txt'), 'A\tnew.txt\n', 'still intent-to-add');
});

test('6: a rebase through the default hooks never gets a fix applied and succeeds as with HEPH=0', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'quality', checks: [fooFix] }] });
  r.write('a.txt', 'base\n').commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  r.git('checkout', '-q', '-b', 'feature');
  r.write('f.txt', 'feature\n').commitAll('feature');
  r.git('checkout', '-q', 'main');
  r.write('c.txt', 'foo\n').commitAll('main adds foo');
  r.git('checkout', '-q', 'feature');
  const res = r.gitResult(['rebase', 'main']);
  assert.is(res.code, 0, res.stderr);
  assert.ok(!existsSync(r.path('.git/rebase-merge')) && !existsSync(r.path('.git/rebase-apply')), 'not left mid-rebase');
  assert.is(r.read('c.txt'), 'foo\n', 'post-checkout changed no tracked file');
  assert.is(r.git('status', '--porcelain'), '');
  const pc = r.heph(['hook', 'run', 'post-checkout', head(r), head(r), '1']);
  assert.is(pc.code, 0);
});

test('6: post-checkout runs no fix on a branch switch, and nothing at all while a cherry-pick or bisect is under way', () => {
  const r = track(new Repo());
  const sync = r.counter('sync');
  r.config({ phases: [{ name: 'quality', checks: [fooFix, { name: 'sync', run: sync, inputs: ['*.txt'] }] }] });
  r.write('a.txt', 'base\n').commitAll('init');
  assert.is(r.heph(['install']).code, 0);
  r.git('checkout', '-q', '-b', 'other');
  r.write('c.txt', 'foo\n').commitAll('foo');
  const res = r.gitResult(['checkout', '-q', 'main']);
  assert.is(res.code, 0);
  r.git('checkout', '-q', 'other');
  assert.is(r.read('c.txt'), 'foo\n', 'the fix did not run');
  assert.is(r.git('status', '--porcelain'), '');
  const ran = r.calls('sync');
  assert.ok(ran >= 1, 'the sync ran on the branch switches');
  for (const state of ['CHERRY_PICK_HEAD', 'BISECT_LOG', 'rebase-merge/x', 'rebase-apply/applying']) {
    r.write(`.git/${state}`, '');
    const out = r.heph(['hook', 'run', 'post-checkout', r.git('rev-parse', 'main').trim(), r.git('rev-parse', 'other').trim(), '1']);
    assert.is(out.code, 0);
    assert.is(out.stdout + out.stderr, '', state);
    assert.is(r.calls('sync'), ran, `nothing runs while ${state} exists`);
    r.remove(`.git/${state.split('/')[0]}`);
  }
});

test('12.6: post-checkout with nothing to do prints nothing; a branch without .heph.json is not an error', () => {
  const r = track(new Repo());
  r.write('a.txt', 'base\n').commitAll('before heph');
  r.git('branch', 'old');
  r.config({ phases: [{ name: 'quality', checks: [ok] }] }).commitAll('heph');
  assert.is(r.heph(['install']).code, 0);
  r.write('a.txt', 'edited\n');
  const file = r.gitResult(['checkout', '--', 'a.txt']);
  assert.is(file.stdout + file.stderr, '', 'git checkout <file>');
  const same = r.gitResult(['checkout', '-q', '-b', 'new']);
  assert.is(same.stdout + same.stderr, '', 'checkout -b on the same commit');
  const old = r.gitResult(['checkout', '-q', 'old']);
  assert.is(old.code, 0);
  assert.is(old.stdout + old.stderr, '', 'a branch from before heph');
});

test('7: an intent-to-add file stays intent-to-add and is never committed empty; the rollback point records', () => {
  const r = setup();
  r.write('new.txt', 'new content\n').git('add', '-N', 'new.txt');
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stderr);
  assert.not.match(res.stdout + res.stderr, /could not record/);
  assert.is(show(r, 'HEAD:a.txt'), 'bar\n');
  assert.is.not(r.gitResult(['cat-file', '-e', 'HEAD:new.txt']).code, 0, 'new.txt was not committed');
  assert.is(r.read('new.txt'), 'new content\n');
  assert.is(r.git('diff', '--name-status'), 'A\tnew.txt\n', 'still intent-to-add');
  assert.is(r.git('diff', '--cached', '--name-only'), '');
  assert.is(r.git('rev-parse', '--verify', '-q', 'refs/worktree/heph/rollback').length > 0, true, 'rollback point recorded');
});

test('8: git commit <path> with a fix leaves the real index holding the fixed content', () => {
  const r = setup();
  r.write('a.txt', 'x\n').commitAll('base');
  r.write('a.txt', 'foo\n');
  const res = commit(r, ['-m', 'c', 'a.txt']);
  assert.is(res.code, 0, res.stderr);
  assert.is(show(r, 'HEAD:a.txt'), 'bar\n');
  assert.is(r.git('show', ':a.txt'), 'bar\n', 'the index has the fix');
  assert.is(r.git('status', '--porcelain'), '');
});

test('9: core.autocrlf=true: files put aside leave the index as fresh as git would', () => {
  const r = setup();
  r.git('config', 'core.autocrlf', 'true');
  r.write('a.txt', 'a\r\n').write('b.txt', 'b\r\n').commitAll('base');
  r.git('checkout', '-q', '-b', 'other');
  r.write('b.txt', 'b other\r\n').commitAll('other');
  r.git('checkout', '-q', 'main');
  r.write('a.txt', 'a2\r\n').git('add', 'a.txt');
  r.write('a.txt', 'a2\r\nunstaged\r\n');
  r.write('b.txt', 'b\r\n'); // touched, same content
  assert.is(commit(r, ['-m', 'c']).code, 0);
  assert.is(r.git('diff-files', '--name-only'), 'a.txt\n', 'only the file with unstaged changes is modified');
  assert.is(r.read('a.txt'), 'a2\r\nunstaged\r\n');
  r.git('stash', '-q');
  const co = r.gitResult(['checkout', '-q', 'other']);
  assert.is(co.code, 0, co.stderr);
});

test('10: install --force chains the hooks of the old core.hooksPath and uninstall restores it', () => {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'quality', checks: [ok] }] });
  r.write('.githooks/pre-commit', '#!/bin/sh\necho ran >> "$(git rev-parse --git-dir)/own-hook"\n', 0o755);
  r.write('.githooks/commit-msg', '#!/bin/sh\necho msg >> "$(git rev-parse --git-dir)/own-msg"\n', 0o755);
  r.commitAll('init');
  r.git('config', 'core.hooksPath', '.githooks');
  assert.is(r.heph(['install', '--force']).code, 0);
  r.write('a.txt', 'a\n').git('add', 'a.txt');
  assert.is(commit(r, ['-m', 'c']).code, 0);
  assert.is(r.read('.git/own-hook'), 'ran\n', "the user's pre-commit still ran");
  assert.is(r.read('.git/own-msg'), 'msg\n', "the user's commit-msg still ran");
  assert.is(r.heph(['uninstall']).code, 0);
  assert.is(r.git('config', '--local', 'core.hooksPath').trim(), '.githooks');
});

test('a file whose name is not UTF-8 is put aside and back byte for byte', () => {
  const r = setup();
  const name = Buffer.from('caf\xe9.md', 'latin1');
  const at = Buffer.concat([Buffer.from(r.dir + '/'), name]);
  writeFileSync(at, 'tracked\n');
  r.write('a.txt', 'a\n').commitAll('base');
  writeFileSync(at, 'unstaged\n');
  r.write('a.txt', 'foo\n').git('add', 'a.txt');
  const res = commit(r, ['-m', 'c']);
  assert.is(res.code, 0, res.stderr);
  assert.is(readFileSync(at, 'utf8'), 'unstaged\n');
  assert.is(show(r, 'HEAD:a.txt'), 'bar\n');
});

function mkTmp(): string {
  const r = track(new Repo());
  return r.base;
}

function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

test('11: disk full while putting changes aside: exit 4, a clear message, nothing touched, nothing left', () => {
  const r = setup();
  const home = join(r.base, 'full');
  if (!mountTmpfs(home, '256k')) {
    console.log('  (skipped: cannot mount a tmpfs here)');
    return;
  }
  try {
    r.write('b.txt', 'b\n').commitAll('base');
    assert.is(r.heph(['run'], { env: { HEPH_HOME: home } }).code, 0, 'state fits');
    r.write('a.txt', 'staged\n').git('add', 'a.txt');
    r.write('b.txt', 'b unstaged\n'.repeat(40_000)); // more than the file system holds
    const res = commit(r, ['-m', 'c'], { env: { HEPH_HOME: home } });
    assert.is(res.code, 1, 'git reports the hook failed');
    assert.match(res.stderr + res.stdout, /no space|disk/i);
    assert.not.match(res.stderr + res.stdout, /unexpected error/);
    const hook = r.heph(['hook', 'run', 'pre-commit'], { env: { HEPH_HOME: home } });
    assert.is(hook.code, 4, hook.stderr);
    assert.is(r.read('b.txt'), 'b unstaged\n'.repeat(40_000));
    assert.is(r.git('show', ':a.txt'), 'staged\n');
    const left = spawnSync('find', [home, '-name', '*.tmp']).stdout.toString();
    assert.is(left, '', 'no .tmp left');
  } finally {
    spawnSync('umount', [home]);
  }
});

test.run();
