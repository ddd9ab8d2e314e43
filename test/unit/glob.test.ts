import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collapseGlobstars, compileGlobs, globSource } from '../../lib/util/glob.js';
import { linearMatcher } from '../../lib/util/glob-linear.js';
import { random } from '../helpers/proc.js';

const cases: [string[], string, boolean][] = [
  [['*.py'], 'a.py', true],
  [['*.py'], 'src/deep/a.py', true],
  [['*.py'], 'a.pyc', false],
  [['**/*.py'], 'a.py', true],
  [['**/*.py'], 'x/y/a.py', true],
  [['src/**'], 'src/a/b.ts', true],
  [['src/**'], 'lib/src/a.ts', false],
  [['src/*.ts'], 'src/a.ts', true],
  [['src/*.ts'], 'src/x/a.ts', false],
  [['pyproject.toml'], 'pyproject.toml', true],
  [['pyproject.toml'], 'pkg/pyproject.toml', true],
  [['./uv.lock'], 'uv.lock', true],
  [['./uv.lock'], 'pkg/uv.lock', false],
  [['*.py', '!./a.py'], 'x/a.py', true],
  [['*.py', '!./a.py'], 'a.py', false],
  [['/abs.txt'], 'abs.txt', false],
  [['*.md'], '.github/README.md', true],
  [['.*'], '.env', true],
  [['*.py', '!tests/**'], 'tests/a.py', false],
  [['*.py', '!tests/**'], 'src/a.py', true],
  [['!*.md'], 'a.md', false],
  [['{a,b}.txt'], 'b.txt', true],
  [['sp ace/*.txt'], 'sp ace/x.txt', true],
  [['*.txt'], 'new\nline.txt', true],
  [['src/**/*.ts'], 'src/a.ts', true],
  [['src/**/*.ts'], 'src/x/y/a.ts', true],
  [['src/**/*.ts'], 'srcx/a.ts', false],
  [['a?.txt'], 'ab.txt', true],
  [['a?.txt'], 'a/.txt', false],
  [['[ab].txt'], 'b.txt', true],
  [['[!ab].txt'], 'b.txt', false],
  [['[!ab].txt'], 'c.txt', true],
  [['*.{ts,tsx}'], 'x/a.tsx', true],
  [['*.{ts,tsx}'], 'a.js', false],
  [['a+b(c).txt'], 'a+b(c).txt', true],
  [['a.txt'], 'aXtxt', false],
  [['**'], 'any/thing', true],
  [['lib/**'], 'lib', false],
  [['tests/**', '!tests/fixtures/**'], 'tests/fixtures/x.py', false],
  [['*.py'], '._hidden.py', true],
];

for (const [globs, path, want] of cases) {
  test(`${JSON.stringify(globs)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
    assert.is(compileGlobs(globs)(path), want);
  });
}

// Patterns a backtracking regular expression takes minutes on. Each is matched in a child
// process with a bound far above what a linear matcher needs, so a regression fails
// instead of hanging the suite.
const deep = 'a/'.repeat(80) + 'b';
const hostile: [string, string, boolean][] = [
  ['**/**/**/**/**/**/**/**/*.x', deep, false],
  ['**/**/**/**/**/**/**/**/*.x', deep + '.x', true],
  ['**/a/**/a/**/a/**/a/**/c', deep, false],
  ['*a*a*a*a*a*a*a*c', 'a'.repeat(200), false],
  ['**/*a*a*a*a*a*a*a*b', 'a'.repeat(200) + 'b', true],
];
for (const [glob, path, want] of hostile) {
  test(`linear time: ${glob} on a ${path.length}-character path`, () => {
    const code = `import('${join(dirname(fileURLToPath(import.meta.url)), '../../lib/util/glob.js')}').then((g) => process.stdout.write(String(g.compileGlobs([${JSON.stringify(glob)}])(${JSON.stringify(path)}))))`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    assert.is(r.signal, null, 'matching did not finish');
    assert.is(r.stdout, String(want), r.stderr);
  });
}

test('repeated **/ collapse', () => {
  assert.is(collapseGlobstars('**/**/**/*.x'), '**/*.x');
  assert.is(collapseGlobstars('a/**/**/b/**/**'), 'a/**/b/**');
  assert.is(collapseGlobstars('a**/**b'), 'a**/**b');
});

// The linear matcher means exactly what the regular expression means: compared on random
// patterns and paths (seeded, so a failure can be replayed).
test('the linear matcher agrees with the regular expression', () => {
  const rand = random(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const parts = ['a', 'b', '.', '/', '*', '**', '**/', '/**', '?', '[ab]', '[!a]', '{a,b}', '{a/,}', '\\*'];
  const chars = ['a', 'b', '/', '.', '*'];
  for (let n = 0; n < 3000; n++) {
    const glob = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(parts)).join('');
    const re = new RegExp(`^(?:${globSource(glob)})$`, 's');
    const lin = linearMatcher(glob);
    for (let k = 0; k < 8; k++) {
      const path = Array.from({ length: Math.floor(rand() * 8) }, () => pick(chars)).join('');
      assert.is(lin(path), re.test(path), `${glob} on ${JSON.stringify(path)}`);
    }
  }
});

test.run();
