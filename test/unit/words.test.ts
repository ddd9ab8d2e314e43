import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { argPaths, buildInvocations, chunk, splitWords } from '../../lib/run/words.js';

const splits: [string, string[]][] = [
  ['ruff check .', ['ruff', 'check', '.']],
  ['  a   b  ', ['a', 'b']],
  [`python3 -c "import sys; sys.exit(sys.version_info < (3, 12))"`, ['python3', '-c', 'import sys; sys.exit(sys.version_info < (3, 12))']],
  [`echo 'single "quoted"' x`, ['echo', 'single "quoted"', 'x']],
  [`a "b \\"c\\" d" e\\ f`, ['a', 'b "c" d', 'e f']],
  [`a ""`, ['a', '']],
  [`echo $HOME`, ['echo', '$HOME']],
  [`x 'it''s'`, ['x', 'its']],
];
for (const [cmd, want] of splits) test(`splitWords ${cmd}`, () => assert.equal(splitWords(cmd), want));

test('splitWords: an unterminated quote is a config error', () => {
  assert.throws(() => splitWords(`a "b`), /unterminated "/);
  assert.throws(() => splitWords(`a 'b`), /unterminated '/);
});

test('{files} expands to one argument per file, keeping words around it', () => {
  assert.equal(buildInvocations('ruff check {files} --quiet', false, { files: ['a b.py', '-x.py'] }), [['ruff', 'check', 'a b.py', '-x.py', '--quiet']]);
  assert.equal(buildInvocations('ruff check .', false, { files: ['a.py'] }), [['ruff', 'check', '.']]);
  assert.equal(buildInvocations('lint {msgfile}', false, { msgfile: '/r/.git/COMMIT_EDITMSG' }), [['lint', '/r/.git/COMMIT_EDITMSG']]);
});

test('shell commands get files as positional parameters', () => {
  assert.equal(buildInvocations('prettier --check {files} | cat', true, { files: ['$(rm -rf x).js'] }), [
    ['sh', '-c', 'prettier --check "$@" | cat', 'heph', '$(rm -rf x).js'],
  ]);
});

test('long lists are split below the byte budget and keep their order', () => {
  const files = Array.from({ length: 1000 }, (_, i) => `dir/file-${i}.ts`);
  const inv = buildInvocations('tool {files}', false, { files }, 2000);
  assert.ok(inv.length > 5);
  for (const argv of inv) {
    assert.is(argv[0], 'tool');
    assert.ok(argv.slice(1).reduce((n, f) => n + Buffer.byteLength(f) + 9, 0) <= 2000);
  }
  assert.equal(inv.flatMap((a) => a.slice(1)), files);
  assert.equal(chunk([], 10), [[]]);
  assert.equal(chunk(['a-very-long-name'], 1), [['a-very-long-name']], 'a single name over budget still runs');
});

test('argPaths: relative to the cwd, a leading dash made harmless', () => {
  assert.equal(argPaths(['a.txt', '-x.txt', 'd/-y'], ''), ['a.txt', './-x.txt', 'd/-y']);
  assert.equal(argPaths(['pkg/a.txt', 'pkg/sub/b.txt', 'docs/c.md', 'pkg/-n'], 'pkg'), ['a.txt', 'sub/b.txt', '../docs/c.md', './-n']);
  assert.equal(argPaths(['a/b/c'], 'a/b'), ['c']);
});

test.run();
