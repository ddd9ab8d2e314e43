/** Index entries heph writes back during a commit, for names git lists with spaces, tabs, newlines and bytes that are not UTF-8. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { commit, hookedRepo } from '../helpers/hooks.js';
import { repoPool } from '../helpers/repo.js';

const test = suite('hooks-index');
const track = repoPool(test);

const NAMES = [Buffer.from('sp ace.txt'), Buffer.from('tab\there.txt'), Buffer.from('new\nline.txt'), Buffer.from('-dash.txt'), Buffer.from('caf\xe9.txt', 'latin1')];

test('a fix during `git commit <paths>` lands in the commit and in the index git keeps afterwards', () => {
  const r = track(hookedRepo([{ name: 'fmt', shell: true, run: '! grep -l lower {files}', fix: 'sed -i s/lower/UPPER/ {files}', files: ['*.txt'] }]));
  const abs = (n: Buffer) => Buffer.concat([Buffer.from(r.dir + '/'), n]);
  for (const n of NAMES) writeFileSync(abs(n), 'ok\n');
  r.commitAll('base');
  for (const n of NAMES) writeFileSync(abs(n), 'lower\n');
  // `git commit <paths>` commits a temporary index (next-index-*) and then installs the real one it prepared.
  // The names go as bytes on stdin: argv cannot carry a name that is not UTF-8.
  const input = Buffer.concat(NAMES.flatMap((n) => [n, Buffer.from([0])]));
  const res = spawnSync('git', ['commit', '-q', '-m', 'paths', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: r.dir, env: { ...r.env, GIT_LITERAL_PATHSPECS: '1' }, input, encoding: 'latin1' });
  assert.is(res.status, 0, res.stdout + res.stderr);
  for (const n of NAMES) assert.is(readFileSync(abs(n), 'utf8'), 'UPPER\n', `${JSON.stringify(n.toString('latin1'))}: fixed in the working tree`);
  const committed = spawnSync('git', ['ls-tree', '-r', '-z', 'HEAD'], { cwd: r.dir, env: r.env }).stdout;
  const staged = spawnSync('git', ['ls-files', '-s', '-z'], { cwd: r.dir, env: r.env }).stdout;
  // ls-tree: `mode type oid\tpath`; ls-files -s: `mode oid stage\tpath`.
  const oids = (out: Buffer, field: number) => out.toString('latin1').split('\0').filter(Boolean).map((l) => [l.slice(l.indexOf('\t') + 1), l.split(/[ \t]/)[field]]);
  assert.equal(oids(staged, 1).sort(), oids(committed, 2).sort(), 'the index after the commit is the commit: the fixes are in both');
  const upper = spawnSync('git', ['hash-object', '--stdin'], { cwd: r.dir, env: r.env, input: 'UPPER\n', encoding: 'utf8' }).stdout.trim();
  for (const n of NAMES) assert.ok(oids(committed, 2).some(([p, o]) => p === n.toString('latin1') && o === upper), `${JSON.stringify(n.toString('latin1'))} committed fixed`);
});

test.run();
