import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runBuiltin } from '../../lib/builtins/index.js';
import { jsonError } from '../../lib/builtins/json.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'heph-builtin-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const put = (files: Record<string, string | Buffer>) => {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return Object.keys(files);
};
const run = (cmd: string, files: string[]) => runBuiltin(cmd, files, dir);
const read = (p: string) => readFileSync(join(dir, p), 'latin1');

test('trailing-whitespace: reports each line, --fix strips spaces and tabs and keeps CRLF and non-UTF-8 bytes', async () => {
  const files = put({ 'a.txt': 'ok\nbad \nalso\t\r\nlast  ', 'b.txt': 'clean\n', 'bin.dat': Buffer.from([0, 32, 10]), 'l1.txt': Buffer.from('caf\xe9 \n', 'latin1') });
  let r = await run('heph:trailing-whitespace', files);
  assert.is(r.ok, false);
  assert.is(r.exitCode, 1);
  assert.match(r.output, 'a.txt:2: trailing whitespace');
  assert.match(r.output, 'a.txt:3: trailing whitespace');
  assert.match(r.output, 'a.txt:4: trailing whitespace');
  assert.match(r.output, 'l1.txt:1');
  assert.not.match(r.output, 'bin.dat', 'binary files are left alone');
  r = await run('heph:trailing-whitespace --fix {files}', files);
  assert.is(r.ok, true);
  assert.is(read('a.txt'), 'ok\nbad\nalso\r\nlast');
  assert.is(read('l1.txt'), 'caf\xe9\n', 'bytes that are not UTF-8 are kept');
  assert.is(read('bin.dat'), '\0 \n');
  assert.is((await run('heph:trailing-whitespace', files)).ok, true);
});

test('end-of-file: one newline at the end; --fix adds it or drops blank lines, keeping the file\'s line ending', async () => {
  const files = put({ 'none.txt': 'a', 'many.txt': 'a\n\n\n', 'crlf.txt': 'a\r\nb\r\n\r\n', 'empty.txt': '', 'blank.txt': '\n\n', 'good.txt': 'a\n' });
  const r = await run('heph:end-of-file', files);
  assert.is(r.ok, false);
  for (const f of ['none.txt: no newline', 'many.txt: blank lines', 'crlf.txt: blank lines', 'blank.txt: only blank lines']) assert.match(r.output, f);
  assert.not.match(r.output, 'good.txt');
  assert.not.match(r.output, 'empty.txt');
  assert.is((await run('heph:end-of-file --fix', files)).ok, true);
  assert.equal([read('none.txt'), read('many.txt'), read('crlf.txt'), read('blank.txt'), read('empty.txt')], ['a\n', 'a\n', 'a\r\nb\r\n', '', '']);
});

test('mixed-line-ending: one kind per file; --fix converts to the most used; --to forces one', async () => {
  const files = put({ 'mixed.txt': 'a\r\nb\r\nc\n', 'lf.txt': 'a\nb\n', 'crlf.txt': 'a\r\n' });
  const r = await run('heph:mixed-line-ending', files);
  assert.is(r.ok, false);
  assert.match(r.output, 'mixed.txt: mixed line endings (2 CRLF, 1 LF)');
  assert.not.match(r.output, 'lf.txt:');
  await run('heph:mixed-line-ending --fix', files);
  assert.is(read('mixed.txt'), 'a\r\nb\r\nc\r\n');
  assert.is((await run('heph:mixed-line-ending --to lf', files)).ok, false, 'crlf files fail --to lf');
  await run('heph:mixed-line-ending --to lf --fix', files);
  assert.equal([read('mixed.txt'), read('crlf.txt')], ['a\nb\nc\n', 'a\n']);
});

test('merge-conflict, private-key, large-files, macos-cruft', async () => {
  const files = put({
    'c.py': 'x = 1\n<<<<<<< HEAD\ny\n=======\nz\n>>>>>>> other\n',
    'title.md': 'Title\n=======\n',
    'id_rsa': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n',
    'pub.txt': 'ssh-rsa AAAA\n',
    'big.bin': Buffer.alloc(600 * 1024),
    'sub/._a.txt': 'x',
    'sub/.DS_Store': 'x',
  });
  let r = await run('heph:merge-conflict', files);
  assert.match(r.output, 'c.py:2: merge conflict marker');
  assert.not.match(r.output, 'title.md', 'a Markdown underline is not a conflict');
  r = await run('heph:private-key', files);
  assert.match(r.output, 'id_rsa:1: private key (OPENSSH PRIVATE KEY)');
  assert.not.match(r.output, 'pub.txt');
  r = await run('heph:large-files', files);
  assert.match(r.output, 'big.bin: 600 KiB, over 500 KiB');
  assert.is((await run('heph:large-files --max-kb 1000', files)).ok, true);
  assert.is((await run('heph:large-files --max-kb=many', files)).ok, false);
  r = await run('heph:macos-cruft', files);
  assert.match(r.output, 'sub/._a.txt: macOS metadata');
  assert.match(r.output, 'sub/.DS_Store: macOS metadata');
  assert.match(r.output, 'heph:macos-cruft: 2 problems in 7 files');
});

test('json, yaml (several documents, custom tags) and toml syntax, with line and column', async () => {
  const files = put({
    'ok.json': '\uFEFF{"a": [1, 2]}',
    'bad.json': '{\n  "a": 1,\n}',
    'ok.yaml': 'a: 1\n---\nb: !Ref thing\n',
    'bad.yaml': 'a: 1\nb: [1, 2\nc: 3\n',
    'dup.yaml': 'a: 1\na: 2\n',
    'ok.toml': '[tool]\nx = "y"\n',
    'bad.toml': '[tool]\nx = \n',
  });
  let r = await run('heph:json', files.filter((f) => f.endsWith('.json')));
  assert.match(r.output, 'bad.json:3:1: invalid JSON: unexpected "}", expected a key in double quotes');
  assert.not.match(r.output, 'ok.json');
  r = await run('heph:yaml', files.filter((f) => f.endsWith('.yaml')));
  assert.match(r.output, /bad\.yaml:\d+:\d+: invalid YAML/);
  assert.match(r.output, /dup\.yaml:2:\d+: invalid YAML/);
  assert.not.match(r.output, 'ok.yaml');
  r = await run('heph:toml', files.filter((f) => f.endsWith('.toml')));
  assert.match(r.output, /bad\.toml:2:\d+: invalid TOML/);
  assert.not.match(r.output, 'ok.toml');
});

test('shebang, broken-symlinks and case-conflict', async () => {
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const files = put({ 'run.sh': 'echo hi\n', 'ok.sh': '#!/bin/sh\necho\n', 'plain.txt': 'x' });
  chmodSync(join(dir, 'run.sh'), 0o755);
  chmodSync(join(dir, 'ok.sh'), 0o755);
  let r = await run('heph:shebang', files);
  assert.match(r.output, 'run.sh: executable without a shebang');
  assert.not.match(r.output, 'ok.sh:');
  symlinkSync('missing', join(dir, 'dangling'));
  symlinkSync('ok.sh', join(dir, 'fine'));
  r = await run('heph:broken-symlinks', ['dangling', 'fine', 'ok.sh']);
  assert.equal(r.output.split('\n')[0], 'dangling: symlink to a missing target');
  assert.not.match(r.output, 'fine:');
  put({ 'Docs/a.md': 'x', 'README': 'x' });
  execFileSync('git', ['add', 'Docs/a.md', 'README'], { cwd: dir });
  put({ 'docs/b.md': 'y', 'readme': 'y', 'other': 'z' });
  r = await run('heph:case-conflict', ['docs/b.md', 'readme', 'other']);
  assert.match(r.output, 'Docs, docs: names differ only in case');
  assert.match(r.output, 'README, readme: names differ only in case');
  assert.not.match(r.output, 'other');
});

test('jsonError agrees with JSON.parse on what is valid, and points at the first error', () => {
  for (const ok of ['{}', '[]', ' 1 ', '-0.5e+3', '"a\\u00e9\\n"', '{"a":[true,false,null,{"b":"c"}]}', '\n[ 1 , 2 ]\n']) {
    JSON.parse(ok);
    assert.is(jsonError(ok), null, ok);
  }
  const cases: [string, number, string][] = [
    ['[1,]', 3, 'unexpected "]", expected a value'],
    ['{"a" 1}', 5, 'unexpected "1", expected ":"'],
    ['{"a": 1', 7, 'unexpected end of the file, expected "," or "}"'],
    ['01', 1, 'unexpected "1", expected the end of the file'],
    ["{'a': 1}", 1, `unexpected "'", expected a key in double quotes`],
    ['"a\\x"', 3, 'unexpected "x", expected an escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\u)'],
    ['tru', 0, 'unexpected "t", expected "true"'],
  ];
  for (const [text, at, message] of cases) {
    assert.throws(() => JSON.parse(text));
    assert.equal(jsonError(text), { at, message }, text);
  }
});

test('an unknown built-in fails with the list of built-ins', async () => {
  const r = await run('heph:nope', []);
  assert.is(r.ok, false);
  assert.match(r.output, 'heph has no built-in check "nope"');
});

test.run();
