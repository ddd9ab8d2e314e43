import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { regexToGlobs, typesToGlobs } from '../../lib/migrate/regex.js';
import { splitFixer, toolName, needsShell } from '../../lib/migrate/commands.js';
import { compileGlobs } from '../../lib/util/glob.js';

const regexes: [string, string[] | null][] = [
  ['\\.py$', ['*.py']],
  ['.*\\.py$', ['*.py']],
  ['\\.(js|ts)$', ['*.js', '*.ts']],
  ['^src/', ['src/**']],
  ['^(src|tests)/', ['src/**', 'tests/**']],
  ['^docs/.*\\.md$', ['docs/**/*.md']],
  ['^setup\\.py$', ['setup.py']],
  ['^(setup\\.py|noxfile\\.py)$', ['setup.py', 'noxfile.py']],
  ['(^|/)migrations/', ['**/migrations/**']],
  ['(?i)readme', null],
  ['^src/.*test.*\\.py$', null],
  ['[a-z]+\\.py$', null],
];

test('pre-commit regexes: the usual shapes become globs that select the same paths; others are refused', () => {
  for (const [re, want] of regexes) assert.equal(regexToGlobs(re), want, re);
  // The globs agree with the regex on sample paths (a bare name matches at any depth in heph: said to the user).
  const paths = ['a.py', 'src/a.py', 'src/x/b.ts', 'tests/t.py', 'docs/a/b.md', 'docs.md', 'app/migrations/0001.py', 'migrations/x.py', 'b.js'];
  for (const [re, globs] of regexes) {
    if (!globs || re.includes('setup')) continue;
    const rx = new RegExp(re);
    const m = compileGlobs(globs);
    for (const p of paths) assert.is(m(p), rx.test(p), `${re} on ${p}`);
  }
});

test('pre-commit types become extension globs; a tag without one refuses', () => {
  assert.equal(typesToGlobs(['python']), ['*.py', '*.pyi']);
  assert.equal(typesToGlobs(['javascript', 'ts']), ['*.js', '*.mjs', '*.cjs', '*.ts', '*.mts', '*.cts']);
  assert.is(typesToGlobs(['executable']), null);
});

const splits: [string, { run: string; fix?: string } | 'note'][] = [
  ['eslint --fix', { run: 'eslint', fix: 'eslint --fix' }],
  ['npx eslint --fix --max-warnings=0', { run: 'npx eslint --max-warnings=0', fix: 'npx eslint --fix --max-warnings=0' }],
  ['stylelint --fix=lax', { run: 'stylelint', fix: 'stylelint --fix=lax' }],
  ['prettier --write', { run: 'prettier --check', fix: 'prettier --write' }],
  ['prettier -w --ignore-unknown', { run: 'prettier --check --ignore-unknown', fix: 'prettier -w --ignore-unknown' }],
  ['black', { run: 'black --check', fix: 'black' }],
  ['black --check', { run: 'black --check' }],
  ['isort --profile black', { run: 'isort --check-only --profile black', fix: 'isort --profile black' }],
  ['ruff format', { run: 'ruff format --check', fix: 'ruff format' }],
  ['bundle exec rubocop -a', { run: 'bundle exec rubocop', fix: 'bundle exec rubocop -a' }],
  ['tsc --noEmit', { run: 'tsc --noEmit' }],
  ['gofmt -w', 'note'],
];

test('commands that rewrite files are split into check and fix; unknown writers are flagged', () => {
  for (const [cmd, want] of splits) {
    const got = splitFixer(cmd);
    if (want === 'note') assert.ok(got.note && got.run === cmd && !got.fix, cmd);
    else assert.equal({ run: got.run, ...(got.fix ? { fix: got.fix } : {}) }, want, cmd);
  }
});

test('tool names and shell detection', () => {
  assert.is(toolName('npx --no -- commitlint --edit'), 'commitlint');
  assert.is(toolName('npm test'), 'test');
  assert.is(toolName('pnpm exec vitest run'), 'vitest');
  assert.is(toolName('./scripts/check.sh'), 'check');
  assert.ok(needsShell('a && b'));
  assert.ok(needsShell('echo $HOME'));
  assert.not.ok(needsShell('eslint --fix "a b"'));
  assert.not.ok(needsShell("grep -q 'x|y'"));
});

test.run();
