/**
 * A part of the index read in-process (IndexFile.scoped) lists what git lists
 * for the same pathspecs, in the cases the generated indexes of
 * index-file.test.ts do not draw: a directory pathspec (`dir/`) naming a
 * submodule, a symlink or a file of that name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndexFile } from '../../lib/git/index-file.js';
import { cleanEnv } from '../helpers/repo.js';

function git(cwd: string, args: string[], input?: string): Buffer {
  const r = spawnSync('git', args, { cwd, input, env: cleanEnv() });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('a directory pathspec names a submodule as git reads it, and no file or symlink of that name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-index-scoped-'));
  try {
    git(dir, ['init', '-q']);
    const oid = git(dir, ['hash-object', '-w', '--stdin'], 'x\n').toString().trim();
    const entries = [
      ['160000', 'sub'],
      ['100644', 'sub.txt'],
      ['100644', 'sub0'],
      ['160000', 'deep/mod'],
      ['100644', 'deep/mod-notes'],
      ['120000', 'lnk'],
      ['100644', 'file'],
      ['100644', 'tree/inner'],
    ];
    for (const [mode, path] of entries) git(dir, ['update-index', '--add', '--cacheinfo', `${mode},${oid},${path}`]);
    const read = readIndexFile(join(dir, '.git', 'index'))!;
    assert.ok(read);
    for (const specs of [['sub/'], ['sub'], ['deep/mod/'], ['deep/'], ['lnk/'], ['file/'], ['tree/'], ['sub/', 'lnk', 'tree/inner/']]) {
      const pathspecs = specs.map((s) => `:(literal)${s}`);
      const mine = read.listing.scoped(pathspecs);
      assert.ok(mine, `${specs} read here`);
      const theirs = git(dir, ['ls-files', '-s', '-v', '-z', '--', ...pathspecs]);
      assert.is(mine!.raw.toString('latin1'), theirs.toString('latin1'), `${specs.join(' ')} as git lists it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
