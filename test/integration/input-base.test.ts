/**
 * The snapshot base (state/input-base.ts) through the CLI: runs after a small
 * change patch the last run's lists; the cases here are those where a change
 * shows in git's index but not in any content, or is named from the journal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

test('a base whose list was altered on disk is not used: the digest stays the one listed from scratch', () => {
  const r = lintRepo();
  r.hephJson(['run']);
  r.write('src/f1.txt', 'BAD\n');
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['q/whole'], 'failed');
  r.write('src/f1.txt', 'file 1\n');
  assert.is(statuses(r.hephJson(['run', '--fast']).report)['q/whole'], 'passed');
  // The base's record of f1 rewritten to the blob id of the failing content: a list trusted as read would
  // give the passing digest to a failing tree.
  const file = join(r.dir, '.git', 'heph', 'inputs-worktree.bin');
  const good = r.gitResult(['hash-object', 'src/f1.txt']).stdout.trim();
  const badId = r.gitResult(['hash-object', '--stdin'], { input: 'BAD\n' }).stdout.trim();
  const buf = readFileSync(file);
  const at = buf.lastIndexOf(Buffer.from(`src/f1.txt\x00100644 ${good}`));
  assert.ok(at > 0, 'the base holds the record');
  buf.write(badId, at + 'src/f1.txt\x00100644 '.length, 'latin1');
  writeFileSync(file, buf);
  r.write('src/f1.txt', 'BAD\n');
  r.write('src/f2.txt', 'edit\n');
  const res = r.hephJson(['run', '--fast']);
  assert.is(statuses(res.report)['q/whole'], 'failed', JSON.stringify(res.report.checks));
});

test.run();
