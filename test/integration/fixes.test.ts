/**
 * The fix flow: fix then recheck, --interactive (with and without a
 * terminal), and `heph rollback` of what the fixes changed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, Repo, repoPool, sh, statuses } from '../helpers/repo.js';
import { commit, hookedRepo, rejects, show } from '../helpers/hooks.js';
import { waitFor } from '../helpers/proc.js';

const track = repoPool(test);

/** A check over *.txt that fails on `lower` and whose fix upper-cases it. */
const upper = (name = 'up', files = ['*.txt']) => ({ name, shell: true, run: rejects('lower'), fix: 'sed -i s/lower/UPPER/ {files}', files });

function repoWith(checks: object[]): Repo {
  const r = track(new Repo());
  r.config({ phases: [{ name: 'q', checks }] });
  return r;
}

test('a fix whose recheck still fails is failed, with the reason and the exit status of a fix that failed', () => {
  const r = repoWith([
    { name: 'stubborn', run: 'false', fix: 'true' },
    { name: 'broken-fix', run: 'false', fix: 'false' },
  ]);
  r.commitAll();
  const { code, report } = r.hephJson(['run']);
  assert.is(code, 1);
  const by = Object.fromEntries(report.checks.map((c: { name: string; reason: string }) => [c.name, c.reason]));
  assert.equal(by, { stubborn: 'still failing after fix', 'broken-fix': 'still failing after fix (the fix exited 1)' });
});

/** Runs heph in a new session, without a controlling terminal (as from a GUI git client). */
function withoutTerminal(r: Repo, args: string[], env: Record<string, string> = {}) {
  return sh('setsid', ['-w', process.execPath, CLI, ...args], { cwd: r.dir, env: { ...r.env, ...env } });
}

test('--interactive without a terminal asks nothing, applies no fix and says so', () => {
  const r = repoWith([upper()]);
  r.write('a.txt', 'lower\n').commitAll();
  const res = withoutTerminal(r, ['run', '--interactive']);
  assert.is(res.code, 1);
  assert.match(res.stdout + res.stderr, /q\/up\s+failed.*fix not applied: --interactive needs a terminal to ask/);
  assert.is(r.read('a.txt'), 'lower\n');
  const json = JSON.parse(withoutTerminal(r, ['run', '--json'], { HEPH_INTERACTIVE: '1' }).stdout).checks[0];
  assert.equal([json.status, json.reason], ['failed', 'fix not applied: --interactive needs a terminal to ask']);
});

/**
 * Runs a shell command in a pseudo-terminal (util-linux `script`). Each answer
 * is typed once its question is on the screen: the test waits on the output,
 * not on the clock.
 */
async function inTerminal(r: Repo, cmd: string, answers: [RegExp, string][]): Promise<{ code: number; out: string }> {
  // A terminal of 120 columns: without a size the prompt wraps at every character.
  const child = spawn('script', ['-qec', `stty cols 120 rows 40; ${cmd}`, '/dev/null'], { cwd: r.dir, env: { ...r.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const clean = () => out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const closed = new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  let ended = false;
  void closed.then(() => (ended = true));
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let from = 0;
  for (const [question, keys] of answers) {
    await waitFor(() => question.test(clean().slice(from)) || ended, `the question ${question}`);
    from = clean().length;
    child.stdin!.write(keys);
  }
  const code = await closed;
  clearTimeout(limit);
  child.stdin!.destroy();
  return { code, out: clean() };
}

const heph = (args: string[]) => [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
const hasScript = spawnSync('script', ['--version']).status === 0;
const DOWN = '\x1b[B';
const asks = (id: string) => new RegExp(`${id.replace('/', '\\/')} failed\\. Apply its fix`);

test('--interactive in a terminal: "no" declines one fix, "all" applies it and every later one without asking', async () => {
  if (!hasScript) throw new Error('this test needs util-linux `script` for a pseudo-terminal');
  const r = repoWith([upper('one', ['one.txt']), upper('two', ['two.txt']), upper('three', ['three.txt'])]);
  r.write('one.txt', 'lower\n').write('two.txt', 'lower\n').write('three.txt', 'lower\n').commitAll();
  const res = await inTerminal(r, heph(['run', '--interactive', '--concurrency', '1']), [[asks('q/one'), `${DOWN}\r`], [asks('q/two'), `${DOWN}${DOWN}\r`]]);
  assert.is(res.code, 1, res.out);
  assert.match(res.out, /q\/one\s+failed.*fix declined/);
  assert.match(res.out, /q\/two\s+fixed/);
  assert.match(res.out, /q\/three\s+fixed/);
  assert.equal([r.read('one.txt'), r.read('two.txt'), r.read('three.txt')], ['lower\n', 'UPPER\n', 'UPPER\n']);
});

test('--interactive in a terminal: "quit" applies no more fixes in the run', async () => {
  if (!hasScript) throw new Error('this test needs util-linux `script` for a pseudo-terminal');
  const r = repoWith([upper('one', ['one.txt']), upper('two', ['two.txt'])]);
  r.write('one.txt', 'lower\n').write('two.txt', 'lower\n').commitAll();
  const res = await inTerminal(r, heph(['run', '--interactive', '--concurrency', '1']), [[asks('q/one'), `${DOWN}${DOWN}${DOWN}\r`]]);
  assert.is(res.code, 1, res.out);
  assert.match(res.out, /q\/one\s+failed.*fix not applied \(quit\)/);
  assert.match(res.out, /q\/two\s+failed.*fix not applied \(quit\)/);
  assert.equal([r.read('one.txt'), r.read('two.txt')], ['lower\n', 'lower\n']);
});

test('--interactive in a terminal: a check finishing while the question is open prints after the answer', async () => {
  if (!hasScript) throw new Error('this test needs util-linux `script` for a pseudo-terminal');
  const marker = 'slow-finished';
  // The slow check reads only two.txt: it does not wait for one.txt's fix, so it can finish while the question is open.
  const r = repoWith([upper('one', ['one.txt']), { name: 'slow', shell: true, run: `sleep 0.5; touch ${marker}; cat {files} >/dev/null`, files: ['two.txt'] }]);
  r.write('one.txt', 'lower\n').write('two.txt', 'other\n').commitAll();
  // Answer only once the slow check has finished, so its line is held while the question is open.
  const res = await inTerminal(r, heph(['run', '--interactive', '--concurrency', '2']), [[{ test: (s: string) => asks('q/one').test(s) && r.exists(marker) } as RegExp, '\r']]);
  assert.is(res.code, 0, res.out);
  const asked = res.out.lastIndexOf('Apply its fix');
  const slow = res.out.search(/q\/slow\s+passed/);
  assert.ok(asked >= 0 && slow > asked, `the slow check's line comes after the question:\n${res.out}`);
  assert.match(res.out, /q\/one\s+fixed/);
});

test('HEPH_INTERACTIVE=1 git commit asks on the terminal from inside the hook', async () => {
  if (!hasScript) throw new Error('this test needs util-linux `script` for a pseudo-terminal');
  const r = track(hookedRepo([upper()]));
  r.write('a.txt', 'lower\n').git('add', 'a.txt');
  const res = await inTerminal(r, 'HEPH_INTERACTIVE=1 git commit -q -m a', [[asks('quality/up'), 'y\r']]);
  assert.match(res.out, /heph: quality\/up failed\. Apply its fix \(sed -i s\/lower\/UPPER\/ \{files\}\)\? \[Y\]es, \[n\]o, \[a\]ll, \[q\]uit: y/, JSON.stringify(res.out));
  assert.match(res.out, /quality\/up\s+fixed/);
  assert.is(show(r, 'HEAD:a.txt'), 'UPPER\n');
});

test('rollback restores every file the fixes changed, keeps later edits elsewhere, and then has nothing to do', () => {
  const r = repoWith([upper(), { name: 'gen', shell: true, run: 'test -f gen.out', fix: 'echo made > gen.out' }]);
  r.write('a.txt', 'lower a\n').write('b.txt', 'lower b\n').write('c.txt', '1\nlower c\n3\n4\n5\n6\n').write('keep.txt', 'fine\n').commitAll();
  r.write('new.txt', 'lower untracked\n');
  assert.equal(statuses(r.hephJson(['run']).report), { 'q/up': 'fixed', 'q/gen': 'fixed' });
  assert.is(r.read('a.txt'), 'UPPER a\n');
  r.write('c.txt', '1\nUPPER c\n3\n4\n5\n6 edited after\n'); // an edit after the fix, away from its lines
  r.write('keep.txt', 'edited after\n'); // not touched by the fix
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /rolled back 4 files to before the fixes of .* by q\/(up, q\/gen|gen, q\/up)/);
  assert.not.ok(r.exists('gen.out'), 'a file a fix created is removed');
  assert.match(res.stdout, /restored\s+c\.txt \(your edits since are kept\)/);
  assert.equal(
    ['a.txt', 'b.txt', 'c.txt', 'new.txt', 'keep.txt'].map((f) => r.read(f)),
    ['lower a\n', 'lower b\n', '1\nlower c\n3\n4\n5\n6 edited after\n', 'lower untracked\n', 'edited after\n'],
  );
  const again = r.heph(['rollback']);
  assert.is(again.code, 0);
  assert.match(again.stdout, /nothing to roll back/);
});

test('rollback keeps a file whose later edits overlap the fix, says so and exits 1', () => {
  const r = repoWith([upper()]);
  r.write('a.txt', 'lower\n').write('b.txt', 'lower\n').commitAll();
  r.hephJson(['run']);
  r.write('a.txt', 'UPPER and more\n');
  const res = r.heph(['rollback']);
  assert.is(res.code, 1);
  assert.match(res.stderr, /kept a\.txt as it is: edited since, on the lines the fix changed/);
  assert.equal([r.read('a.txt'), r.read('b.txt')], ['UPPER and more\n', 'lower\n']);
});

test('rollback with no fixes to undo says so and exits 0', () => {
  const r = repoWith([{ name: 'ok', run: 'true' }]);
  r.commitAll();
  r.hephJson(['run']);
  const res = r.heph(['rollback']);
  assert.is(res.code, 0);
  assert.match(res.stdout, /nothing to roll back: no heph run has applied a fix here/);
});

test('rollback after a pre-commit fix: the commit stays, the working tree and index go back to before the fix', () => {
  const r = track(hookedRepo([upper()]));
  r.write('a.txt', 'one\nlower\nthree\nfour\nfive\n').git('add', 'a.txt');
  r.write('a.txt', 'one\nlower\nthree\nfour\nfive unstaged\n');
  assert.is(commit(r, ['-m', 'a']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'one\nUPPER\nthree\nfour\nfive\n');
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /unstaged\s+a\.txt/);
  assert.is(r.read('a.txt'), 'one\nlower\nthree\nfour\nfive unstaged\n');
  assert.is(r.git('show', ':a.txt'), 'one\nlower\nthree\nfour\nfive\n');
  assert.is(show(r, 'HEAD:a.txt'), 'one\nUPPER\nthree\nfour\nfive\n', 'history is not rewritten');
});

test('rollback after a pre-commit fix that met unstaged edits on its lines: only the index goes back', () => {
  const r = track(hookedRepo([upper()]));
  r.write('a.txt', 'lower\n').git('add', 'a.txt');
  r.write('a.txt', 'lower\nunstaged next to it\n');
  assert.is(commit(r, ['-m', 'a']).code, 0);
  assert.is(show(r, 'HEAD:a.txt'), 'UPPER\n');
  assert.is(r.read('a.txt'), 'lower\nunstaged next to it\n', 'the user version is back in the working tree');
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(r.read('a.txt'), 'lower\nunstaged next to it\n', 'the working tree had no fix to undo');
  assert.is(r.git('show', ':a.txt'), 'lower\n', 'the re-staged fix is unstaged');
});

test('the rollback point reads only the files fixes may write; rollback still undoes them and nothing else', () => {
  const r = repoWith([upper()]);
  r.write('a.txt', 'lower\n').write('other.md', 'committed\n').commitAll();
  r.write('other.md', 'edited\n').write('notes.md', 'untracked\n');
  assert.is(r.hephJson(['run']).report.checks[0].status, 'fixed');
  const recorded = r.git('ls-tree', '-r', '--name-only', 'refs/worktree/heph/rollback');
  assert.not.match(recorded, /notes\.md/, 'an untracked file no fix is given is not read');
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/other.md'), 'committed\n', 'a file no fix is given keeps its index entry');
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/a.txt'), 'lower\n');
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /rolled back 1 file/);
  assert.equal(['a.txt', 'other.md', 'notes.md'].map((f) => r.read(f)), ['lower\n', 'edited\n', 'untracked\n']);
});

test('a fix that deletes a file it was given: the rollback point records the deletion and rollback brings the file back', () => {
  const r = repoWith([{ name: 'clean', shell: true, run: 'test ! -e x.tmp', fix: 'rm {files}', files: ['*.tmp'] }]);
  r.write('x.tmp', 'scratch\n').commitAll();
  assert.is(r.hephJson(['run']).report.checks[0].status, 'fixed');
  assert.not.ok(r.exists('x.tmp'));
  const res = r.heph(['rollback']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(r.read('x.tmp'), 'scratch\n');
});

test('a fix that may write anything (no {files}) still has the whole working tree recorded', () => {
  const r = repoWith([{ name: 'gen', shell: true, run: 'test -f gen.out', fix: 'echo made > gen.out' }]);
  r.commitAll();
  r.write('notes.md', 'untracked\n');
  assert.is(r.hephJson(['run']).report.checks[0].status, 'fixed');
  assert.is(r.git('show', 'refs/worktree/heph/rollback:before/notes.md'), 'untracked\n');
  assert.is(r.heph(['rollback']).code, 0);
  assert.not.ok(r.exists('gen.out'));
  assert.is(r.read('notes.md'), 'untracked\n');
});

test('rollback points are per worktree and survive git gc', () => {
  const r = repoWith([upper()]);
  r.write('a.txt', 'lower\n').commitAll();
  r.git('worktree', 'add', '-q', '../wt', '-b', 'other');
  r.hephJson(['run']);
  r.git('gc', '-q', '--prune=now');
  const other = r.heph(['rollback'], { cwd: `${r.base}/wt` });
  assert.match(other.stdout, /nothing to roll back/, 'the other worktree has its own');
  assert.is(r.heph(['rollback']).code, 0);
  assert.is(r.read('a.txt'), 'lower\n');
});

test.run();
