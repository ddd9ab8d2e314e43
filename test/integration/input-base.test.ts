/**
 * The snapshot base (state/input-base.ts) through the CLI: runs after a small
 * change patch the last run's lists; the cases here are those where a change
 * shows in git's index but not in any content, or is named from the journal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statuses, repoPool, type Repo } from '../helpers/repo.js';

const repo = repoPool(test);

function lintRepo(): Repo {
  const r = repo();
  const lint = r.counter('lint');
  for (let i = 0; i < 20; i++) r.write(`src/f${i}.txt`, `file ${i}\n`);
  r.write('all.cfg', 'x\n');
  r.config({
    phases: [
      {
        name: 'q',
        checks: [
          { name: 'lint', shell: true, run: `${lint} {files} && ! grep -l -e BA[D] {files}`, files: ['**/*.txt'] },
          { name: 'whole', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl -e BA[D] --)"', inputs: ['**/*.txt', 'all.cfg'] },
          // The same inputs: a run of it alone hashes whole's list without touching whole's result.
          { name: 'twin', run: 'true', inputs: ['**/*.txt', 'all.cfg'] },
        ],
      },
    ],
  });
  r.commitAll('init');
  return r;
}

test('a file staged with the content it had untracked enters the per-file selection: the check is given it and fails', () => {
  const r = lintRepo();
  assert.is(statuses(r.hephJson(['run']).report)['q/lint'], 'passed');
  // Untracked: not among the tracked files a per-file check is given, yet an input of the whole check.
  r.write('src/new.txt', 'BAD\n');
  // The base then holds the untracked file (a base written by this very run, not an older one).
  for (const f of readdirSync(join(r.dir, '.git', 'heph'))) if (f.startsWith('inputs-')) rmSync(join(r.dir, '.git', 'heph', f));
  const first = r.hephJson(['run', '--fast', '--only', 'lint']);
  assert.is(statuses(first.report)['q/lint'], 'cached', first.stderr);
  // Staged as it was: the index changes, the content (blob id) does not.
  r.git('add', 'src/new.txt');
  const res = r.hephJson(['run', '--fast', '--only', 'lint']);
  assert.is(statuses(res.report)['q/lint'], 'failed', JSON.stringify(res.report.checks));
  assert.equal(r.callArgs('lint').at(-1), ['src/new.txt']);
});

test('a file removed from the index but kept on disk (git rm --cached) leaves the per-file selection', () => {
  const r = lintRepo();
  r.write('src/bad.txt', 'BAD\n');
  r.git('add', 'src/bad.txt');
  assert.is(statuses(r.hephJson(['run', '--fast', '--only', 'lint']).report)['q/lint'], 'failed');
  for (const f of readdirSync(join(r.dir, '.git', 'heph'))) if (f.startsWith('inputs-')) rmSync(join(r.dir, '.git', 'heph', f));
  assert.is(statuses(r.hephJson(['run', '--fast', '--only', 'lint']).report)['q/lint'], 'failed');
  r.git('rm', '-q', '--cached', 'src/bad.txt');
  const res = r.hephJson(['run', '--fast', '--only', 'lint']);
  assert.is(statuses(res.report)['q/lint'], 'passed', JSON.stringify(res.report.checks));
  assert.not.ok(r.callArgs('lint').at(-1)!.includes('src/bad.txt'));
});

test('the changed inputs are named after commits recorded in the journal, and after a new base', () => {
  const r = lintRepo();
  r.hephJson(['run']);
  for (const [i, name] of ['src/f1.txt', 'src/f2.txt', 'all.cfg'].entries()) {
    r.write(name, `edit ${i}\n`);
    r.git('add', name);
    const res = r.hephJson(['hook', 'run', 'pre-commit']);
    const whole = res.report.checks.find((c: { name: string }) => c.name === 'whole');
    assert.is(whole.reason, `inputs changed: ${name}`, `commit ${i}`);
    r.git('commit', '-q', '--no-verify', '-m', `c${i}`);
  }
  assert.ok(existsSync(join(r.dir, '.git', 'heph', 'inputs-index.bin.journal')), 'commits after the first wrote journal entries');
  // Past the journal's limit: a new base, and the next change is named from it.
  for (let i = 0; i < 300; i++) r.write(`many/m${i}.txt`, `${i}\n`);
  r.git('add', '-A');
  const many = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.match(many.report.checks.find((c: { name: string }) => c.name === 'whole').reason, /^inputs changed: many\/m0\.txt, many\/m1\.txt/);
  r.write('src/f3.txt', 'edit\n');
  r.git('add', 'src/f3.txt');
  const after = r.hephJson(['hook', 'run', 'pre-commit']);
  assert.is(after.report.checks.find((c: { name: string }) => c.name === 'whole').reason, 'inputs changed: src/f3.txt');
});

test('a base whose list was altered on disk is not used: a failing tree never gets the digest of a passing one', () => {
  const r = lintRepo();
  const heph = join(r.dir, '.git', 'heph');
  assert.is(statuses(r.hephJson(['run']).report)['q/whole'], 'passed');
  const good = r.gitResult(['hash-object', 'src/f1.txt']).stdout.trim();
  r.write('src/f1.txt', 'BAD\n');
  const badId = r.gitResult(['hash-object', 'src/f1.txt']).stdout.trim();
  // A base written by a run of twin alone: it holds f1 as failing, in its changed paths and in the list whole shares.
  for (const f of readdirSync(heph)) if (f.startsWith('inputs-')) rmSync(join(heph, f));
  assert.is(statuses(r.hephJson(['run', '--fast', '--only', 'twin']).report)['q/twin'], 'passed');
  // Its list's record of f1 rewritten to the passing content's id: trusted as read, the list would be the
  // passing tree's, and nothing changed since the base to correct it.
  const file = join(heph, 'inputs-worktree.bin');
  const buf = readFileSync(file);
  const record = Buffer.from(`src/f1.txt\x00100644 ${badId}`);
  const at = buf.lastIndexOf(record);
  assert.ok(at > 0, 'the base holds the record');
  buf.write(good, at + record.length - badId.length, 'latin1');
  writeFileSync(file, buf);
  rmSync(join(heph, 'digests.json'));
  const res = r.hephJson(['run', '--fast', '--only', 'whole']);
  assert.is(statuses(res.report)['q/whole'], 'failed', JSON.stringify(res.report.checks));
});

test('a file changed back to the content it had when the last base was written, which no pass certified: the check is given it again', () => {
  const r = lintRepo();
  r.write('src/f1.txt', 'BAD\n');
  r.commitAll('bad');
  const heph = join(r.dir, '.git', 'heph');
  // The base is written by a run in which the check fails: its selection is certified by nothing.
  assert.is(statuses(r.hephJson(['run', '--only', 'lint']).report)['q/lint'], 'failed');
  assert.ok(existsSync(join(heph, 'inputs-worktree.bin')));
  r.write('src/f1.txt', 'fine\n');
  assert.is(statuses(r.hephJson(['run', '--fast', '--only', 'lint']).report)['q/lint'], 'passed');
  assert.ok(existsSync(join(heph, 'inputs-worktree.bin.journal')), 'the pass was journalled, not a new base');
  r.write('src/f1.txt', 'BAD\n');
  // The same snapshot as the failing run's: the digest memo would answer; without it, the base does.
  rmSync(join(heph, 'digests.json'));
  const res = r.hephJson(['run', '--fast', '--only', 'lint']);
  assert.is(statuses(res.report)['q/lint'], 'failed', JSON.stringify(res.report.checks));
  assert.equal(r.callArgs('lint').at(-1), ['src/f1.txt']);
});

test.run();
