/**
 * What a check is given in `{files}`: paths that exist from its `cwd`, no name
 * a tool can read as an option, no symlinks unless asked, and the exact bytes
 * of a name that is not UTF-8.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPool, Repo, statuses } from '../helpers/repo.js';

const repo = repoPool(test);

/** A check script that records its cwd and arguments, and fails unless each argument is a regular file from there. */
function lister(r: Repo): string {
  const script = join(r.base, 'bin', 'lister');
  mkdirSync(join(r.base, 'bin'), { recursive: true });
  writeFileSync(script, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> "${join(r.base, 'args')}"; test -f "$a" && test ! -L "$a" || exit 1; done\n`, { mode: 0o755 });
  return script;
}
const args = (r: Repo) => readFileSync(join(r.base, 'args'), 'utf8').trim().split('\n').sort();

test('cwd: paths are relative to the check directory, files outside it as ../', () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ls', run: `${lister(r)} {files}`, files: ['*.txt'], cwd: 'pkg' }] }] });
  r.write('pkg/a.txt', 'a').write('pkg/sub/b.txt', 'b').write('docs/c.txt', 'c').commitAll();
  const { code, report, stderr } = r.hephJson(['run']);
  assert.is(code, 0, stderr + JSON.stringify(report));
  assert.equal(args(r), ['../docs/c.txt', 'a.txt', 'sub/b.txt']);
});

test('a name starting with a dash is given as ./-name, in and out of shell mode', () => {
  const r = repo();
  r.config({
    phases: [
      { name: 'p', checks: [{ name: 'ls', run: `${lister(r)} {files}`, files: ['*.txt'] }] },
      { name: 'q', checks: [{ name: 'cat', shell: true, run: 'cat {files} >/dev/null', files: ['*.txt'] }] },
    ],
  });
  r.write('-n.txt', 'x').write('--help.txt', 'y').commitAll();
  const { code, report, stderr } = r.hephJson(['run']);
  assert.is(code, 0, stderr + JSON.stringify(report));
  assert.equal(args(r), ['./--help.txt', './-n.txt']);
  assert.equal(statuses(report), { 'p/ls': 'passed', 'q/cat': 'passed' });
});

test('symlinks are left out of {files} unless the check sets symlinks: true', () => {
  const r = repo();
  r.write('real.txt', 'x');
  symlinkSync('real.txt', r.path('link.txt'));
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ls', run: `${lister(r)} {files}`, files: ['*.txt'] }, { name: 'all', run: `${r.counter('all')} {files}`, files: ['*.txt'], symlinks: true }] }] });
  r.commitAll();
  const { code, report, stderr } = r.hephJson(['run']);
  assert.is(code, 0, stderr + JSON.stringify(report));
  assert.equal(args(r), ['real.txt']);
  assert.equal(r.callArgs('all')[0].sort(), ['link.txt', 'real.txt']);
  // A link alone is no file: the check is skipped, in a commit too.
  r.write('real.txt', 'y');
  r.git('add', '-A');
  r.git('rm', '-q', '--cached', 'real.txt');
  const hook = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(hook.code, 0, hook.stderr);
});

test('a submodule is never given in {files}, clean or with changes inside', () => {
  const sub = repo();
  sub.write('x.txt', 'one\n').commitAll('sub');
  const r = repo();
  r.write('a.txt', 'a').commitAll('init');
  r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ls', run: `${lister(r)} {files}`, files: ['*'] }] }] });
  r.commitAll('add submodule');
  let res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr + JSON.stringify(res.report));
  assert.equal(args(r), ['.gitmodules', '.heph.json', 'a.txt']);
  r.write('vendor/x.txt', 'two\n');
  res = r.hephJson(['run']);
  assert.is(res.code, 0, res.stderr + JSON.stringify(res.report));
});

test('a cwd that leaves the repository through a symlink is refused when the config loads', () => {
  const r = repo();
  mkdirSync(join(r.base, 'outside'));
  symlinkSync(join(r.base, 'outside'), r.path('out'));
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ok', run: 'true' }, { name: 'esc', run: 'true', cwd: 'out' }] }] });
  r.commitAll();
  for (const a of [['run'], ['run', '--dry-run'], ['status']]) {
    const res = r.heph(a);
    assert.is(res.code, 2, a.join(' ') + res.stdout + res.stderr);
    assert.match(res.stderr, /phases\[0\]\.checks\[1\]\.cwd: expected a directory inside the repository/);
  }
});


test('a name that is not UTF-8 reaches the check as its exact bytes, and globs match it', () => {
  const r = repo();
  const latin1 = Buffer.from('caf\xe9.txt', 'latin1');
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/'), latin1]), 'BAD CONTENT\n');
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/-'), latin1]), 'BAD CONTENT\n');
  r.write('ok.txt', 'fine\n');
  // cat fails on a name that does not exist (a lossy name); grep -l finds BAD only by reading the real file.
  r.config({
    phases: [
      { name: 'p', checks: [{ name: 'cat', run: 'cat {files}', files: ['*.txt'] }] },
      { name: 'q', checks: [{ name: 'sh', shell: true, run: 'for f in {files}; do test -f "$f" || exit 9; done; ! grep -l BAD {files}', files: ['*.txt'] }] },
    ],
  });
  r.commitAll();
  let { code, report, stderr } = r.hephJson(['run', '--no-fix']);
  assert.is(report.checks[0].status, 'passed', stderr + JSON.stringify(report));
  assert.is(code, 1);
  assert.is(report.checks[1].status, 'failed', 'the shell check found BAD in the files, so it read them');
  const log = readFileSync(report.log, 'latin1');
  assert.match(log, /exit 1/);
  assert.not.match(log, /No such file/);
  // The fixed content passes, and the hook path (index source) gives the same bytes.
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/'), latin1]), 'good\n');
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/-'), latin1]), 'good\n');
  r.git('add', '-A');
  ({ code, report, stderr } = r.hephJson(['hook', 'run', 'pre-commit']));
  assert.is(code, 0, stderr + JSON.stringify(report));
  assert.is(report.checks[1].status, 'passed');
});

test('a pre-commit puts aside, fixes, re-stages and restores a name that is not UTF-8', () => {
  const r = repo();
  const name = Buffer.concat([Buffer.from(r.dir + '/'), Buffer.from('caf\xe9.txt', 'latin1')]);
  r.config({ phases: [{ name: 'p', checks: [{ name: 'up', shell: true, run: '! grep -l lower {files}', fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] }] }] });
  r.commitAll();
  writeFileSync(name, 'a lower line\n');
  r.git('add', '-A');
  writeFileSync(name, 'a lower line\nan unstaged line\n');
  const res = r.heph(['hook', 'run', 'pre-commit']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /p\/up\s+fixed/);
  const staged = r.gitResult(['ls-files', '-s', '-z']).stdout.split('\0').find((l) => l.includes('caf'))!;
  assert.is(r.gitResult(['cat-file', 'blob', staged.split(' ')[1]]).stdout, 'a UPPER line\n', 'the fix is staged under the real name');
  assert.match(readFileSync(name, 'utf8'), /an unstaged line/, 'the unstaged change is back');
});

test('a built-in check reads a file whose name is not UTF-8 instead of skipping it', () => {
  const r = repo();
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/'), Buffer.from('caf\xe9.txt', 'latin1')]), 'trailing   \n');
  r.config({ phases: [{ name: 'p', checks: [{ name: 'ws', run: 'heph:trailing-whitespace' }] }] });
  r.commitAll();
  const { code, report, stderr } = r.hephJson(['run', '--no-fix']);
  assert.is(code, 1, stderr + JSON.stringify(report));
  assert.is(report.checks[0].status, 'failed');
});

test('a pre-push gives the pushed file whose name is not UTF-8 to its check', () => {
  const r = repo();
  r.config({ phases: [{ name: 'p', checks: [{ name: 'cat', run: 'cat {files}', files: ['*.txt'] }, { name: 'count', run: `${r.counter('count')} {files}`, files: ['*.txt'] }] }] });
  r.commitAll();
  writeFileSync(Buffer.concat([Buffer.from(r.dir + '/'), Buffer.from('caf\xe9.txt', 'latin1')]), 'x\n');
  r.commitAll();
  const head = r.git('rev-parse', 'HEAD').trim();
  const res = r.heph(['hook', 'run', 'pre-push', 'origin', 'file:///nowhere'], { input: `refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}\n` });
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /p\/cat\s+passed/);
  assert.is(r.callArgs('count')[0]?.length, 1, 'the file was given');
});

test.run();
