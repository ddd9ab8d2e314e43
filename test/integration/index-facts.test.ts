/**
 * What runs asked of the index, remembered by the index file's checksum
 * (lib/git/index-facts.ts): a repeated run or hook does not read the index,
 * and nothing remembered can stand in for an index that changed, a damaged
 * memo, or a file replaced while a run was reading it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIndex, readFacts, RememberedIndex } from '../../lib/git/index-facts.js';
import { IndexListing } from '../../lib/git/index-listing.js';
import { Repo, statuses, repoPool } from '../helpers/repo.js';

const repo = repoPool(test);
const factsFile = (r: Repo) => join(r.dir, '.git', 'heph', 'index-facts.json');
/** How the index was met, from HEPH_DEBUG=git: listed (by git, or read whole here), or answered from what was remembered. */
const met = (stderr: string) => ({ read: /ls-files -s -v -z|index file .*: \d+ entries/.test(stderr), remembered: /index file .*: remembered/.test(stderr) });

function project(r: Repo) {
  for (let i = 0; i < 20; i++) r.write(`f${i}.txt`, `line ${i}\n`);
  r.config({ phases: [{ name: 'q', checks: [{ name: 'ws', run: 'heph:trailing-whitespace {files}', files: ['*.txt'] }] }] });
  return r.commitAll('init');
}

test('a repeated run and a repeated pre-commit answer from what was remembered; an index that changed is read again and its change seen', () => {
  const r = project(repo());
  const run = () => r.hephJson(['run', '--fast'], { env: { HEPH_DEBUG: 'git' } });
  const first = run();
  assert.is(first.code, 0, first.stderr);
  assert.equal(met(first.stderr), { read: true, remembered: false });
  const again = run();
  assert.is(again.code, 0, again.stderr);
  assert.equal(met(again.stderr), { read: false, remembered: true }, again.stderr);
  assert.equal(statuses(again.report), { 'q/ws': 'cached' });

  // A defect staged: the index is another file, with another checksum.
  r.write('f3.txt', 'trailing   \n');
  r.git('add', 'f3.txt');
  const hook = () => r.hephJson(['hook', 'run', 'pre-commit'], { env: { HEPH_DEBUG: 'git' } });
  const bad = hook();
  assert.is(bad.code, 1, 'the staged defect is found');
  assert.ok(met(bad.stderr).read, 'the new index is read');
  const badAgain = hook();
  assert.is(badAgain.code, 1, 'and found again from what was remembered');
  assert.equal(met(badAgain.stderr), { read: false, remembered: true }, badAgain.stderr);

  r.write('f3.txt', 'fixed\n');
  r.git('add', 'f3.txt');
  const good = hook();
  assert.is(good.code, 0, good.stderr);
  assert.ok(met(good.stderr).read);
});

test('an index file rewritten with the same entries (fresh stat data, another version) keeps the snapshot key: the digests are reused', () => {
  const r = project(repo());
  assert.is(r.hephJson(['run', '--fast']).code, 0);
  const digests = () => JSON.parse(readFileSync(join(r.dir, '.git', 'heph', 'digests.json'), 'utf8')).entries.map((e: { key: string }) => e.key);
  const facts = () => JSON.parse(readFileSync(factsFile(r), 'utf8')).all.map((f: { id: string }) => f.id);
  const keys = digests();
  const ids = facts();
  r.git('update-index', '--index-version', '4');
  const res = r.hephJson(['run', '--fast'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(res.code, 0, res.stderr);
  assert.equal(statuses(res.report), { 'q/ws': 'cached' });
  assert.ok(met(res.stderr).read, 'a new file: listed');
  assert.is(facts().length, ids.length + 1, 'and remembered');
  assert.equal(digests(), keys, 'under the same snapshot key');
});

test('a memo altered but still valid JSON is not believed: the index is read and the staged defect found', () => {
  const r = project(repo());
  r.write('f1.txt', 'fine\n');
  r.git('add', 'f1.txt');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 0);
  const goodOid = r.git('rev-parse', ':f1.txt').trim();
  // The same staged path with a defect, then the memo told that its entry is still the good blob.
  r.write('f1.txt', 'bad   \n');
  r.git('add', 'f1.txt');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 1);
  const badOid = r.git('rev-parse', ':f1.txt').trim();
  const text = readFileSync(factsFile(r), 'utf8');
  assert.ok(text.includes(badOid));
  writeFileSync(factsFile(r), text.split(badOid).join(goodOid));
  const res = r.hephJson(['hook', 'run', 'pre-commit'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(res.code, 1, 'the defect is still found');
  assert.ok(met(res.stderr).read, 'the altered memo was set aside');
  for (const junk of ['', '{', 'null', '{"v":"1/0.1.0","all":[]}']) {
    writeFileSync(factsFile(r), junk);
    assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 1, `memo ${JSON.stringify(junk)}`);
  }
});

test('an index replaced after its facts were taken: what is read later is the file as it was when the run began', () => {
  const r = project(repo());
  const dir = join(r.dir, '.git', 'heph');
  const file = join(r.dir, '.git', 'index');
  // Remember the index once (from git's listing, as a first run does), then meet it again: nothing is read yet.
  mkdirSync(dir, { recursive: true });
  const once = openIndex(file)!;
  RememberedIndex.learn(once, file, readFacts(dir), new IndexListing(Buffer.from(r.git('ls-files', '-s', '-v', '-z'), 'latin1')), RememberedIndex.probe(once, file))!.save();
  const opened = openIndex(file)!;
  const index = RememberedIndex.recall(opened, file, readFacts(dir))!;
  assert.ok(index, 'remembered');
  const before = r.git('rev-parse', ':f2.txt').trim();
  // git replaces the index (a new file renamed over the old one) while the run is at work.
  r.write('f2.txt', 'changed\n').write('new.txt', 'new\n');
  r.git('add', 'f2.txt', 'new.txt');
  assert.is.not(r.git('rev-parse', ':f2.txt').trim(), before);
  assert.equal(index.lookup('f2.txt').map((e: { oid: string }) => e.oid), [before], 'the entry as the run began');
  assert.equal(index.lookup('new.txt'), [], 'not an entry added since');
  assert.is.not(openIndex(file)!.id, opened.id, 'the new file has another identity');
});

test('a split index is listed by git every time, never remembered, and runs stay right', () => {
  const r = project(repo());
  r.git('update-index', '--split-index');
  const file = join(r.dir, '.git', 'index');
  const once = openIndex(file)!;
  assert.is(RememberedIndex.probe(once, file), null, 'not read here');
  const run = () => r.hephJson(['run', '--fast'], { env: { HEPH_DEBUG: 'git' } });
  assert.is(run().code, 0);
  const again = run();
  assert.is(again.code, 0);
  assert.equal(met(again.stderr), { read: true, remembered: false }, again.stderr);
  r.write('f5.txt', 'bad  \n');
  r.git('add', 'f5.txt');
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 1);
  assert.is(r.hephJson(['hook', 'run', 'pre-commit']).code, 1);
});

test.run();
