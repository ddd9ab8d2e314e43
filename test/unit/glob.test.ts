import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileGlobs } from '../../lib/plan/glob.js';

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

test.run();
