import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, repoPool } from '../helpers/repo.js';
import { commit, show } from '../helpers/hooks.js';

const track = repoPool(test);
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'migrate');

/**
 * Stand-ins for the tools the fixtures name, on PATH. eslint fails on a line
 * with BAD and --fix deletes such lines; prettier --check fails on "ugly" and
 * --write makes it "pretty"; msg-check fails on a "wip" message; the others
 * record that they ran.
 */
const TOOLS: Record<string, string> = {
  eslint: `fix=0; for a; do [ "$a" = --fix ] && fix=1; done
for a; do case "$a" in -*) continue;; esac
  if [ $fix = 1 ]; then grep -v BAD "$a" > "$a.tmp"; mv "$a.tmp" "$a"; elif grep -q BAD "$a"; then echo "$a: BAD line"; exit 1; fi; done`,
  prettier: `mode=$1; shift; for a; do case "$a" in -*) continue;; esac
  if [ "$mode" = --write ]; then sed 's/ugly/pretty/g' "$a" > "$a.tmp"; mv "$a.tmp" "$a"; elif grep -q ugly "$a"; then echo "$a: not formatted"; exit 1; fi; done`,
  'msg-check': `for a; do [ -f "$a" ] && grep -qi wip "$a" && { echo "no wip commits"; exit 1; }; done; exit 0`,
};
const RECORDERS = ['unit-tests', 'typecheck', 'stylelint', 'no-todo', 'ruff', 'black'];

function migratedRepo(tool: string): Repo {
  const r = track(new Repo());
  const bin = join(r.base, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(TOOLS)) writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${join(r.base, 'ran')}"\n${body}\n`);
  for (const name of RECORDERS) writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${join(r.base, 'ran')}"\n`);
  for (const name of [...Object.keys(TOOLS), ...RECORDERS]) chmodSync(join(bin, name), 0o755);
  r.env.PATH = `${bin}:${r.env.PATH}`;
  cpSync(join(FIXTURES, tool), r.dir, { recursive: true });
  r.write('README.md', '# app\n').commitAll('before heph');
  return r;
}

const ran = (r: Repo) => {
  try {
    return r.read('../ran');
  } catch {
    return '';
  }
};

/** Converts, installs heph's hooks, and commits a file that needs both fixes. */
function convertAndCommit(tool: string) {
  const r = migratedRepo(tool);
  const init = r.heph(['init', '--from', tool]);
  assert.is(init.code, 0, init.stderr);
  const install = r.heph(['install']);
  assert.is(install.code, 0, install.stderr);
  r.write('app.js', 'const a = 1;\nBAD line\nconst b = "ugly";\n').git('add', 'app.js');
  const res = commit(r, ['-m', 'add app']);
  return { r, init: init.stdout, res };
}

test('pre-commit: pre-commit-hooks become built-ins, known repositories the tool on PATH, local system hooks run directly; the rest is listed with why', () => {
  const r = migratedRepo('pre-commit');
  const init = r.heph(['init', '--from', 'pre-commit']);
  assert.is(init.code, 0, init.stderr);
  const out = init.stdout;
  assert.match(out, 'pre-commit/pre-commit-hooks trailing-whitespace → pre-commit/trailing-whitespace');
  assert.match(out, 'local no-todo → pre-commit/no-todo');
  assert.match(out, 'local unit-tests → pre-push/unit-tests');
  assert.match(out, 'debug-statements: heph has no built-in for this pre-commit-hooks hook');
  assert.match(out, 'codespell-project/codespell codespell: hooks from');
  assert.match(out, 'local gen-docs: language: python needs the environment pre-commit builds');
  assert.match(out, 'local odd-files: files regex "(?i)readme[0-9]+" has no glob form');
  assert.match(out, 'meta check-useless-excludes:');
  assert.match(out, 'pre-commit uninstall');
  const cfg = JSON.parse(r.read('.heph.json'));
  const checks = Object.fromEntries(cfg.phases.flatMap((p: any) => p.checks.map((c: any) => [`${p.name}/${c.name}`, c])));
  assert.equal(checks['pre-commit/check-added-large-files'], { name: 'check-added-large-files', run: 'heph:large-files --max-kb 600', files: ['*', '!vendor/**'] });
  assert.equal(checks['pre-commit/no-todo'].files, ['src/**/*.py', 'src/**/*.pyi', '!vendor/**'], 'types python under ^src/, minus the global exclude');
  assert.is(checks['pre-commit/ruff'].fix, 'ruff check --fix --force-exclude {files}');

  // Commit through the result: the built-in fixes are re-staged, vendor/ is left alone.
  assert.is(r.heph(['install']).code, 0);
  r.write('src/m.py', 'x = 1   \n').write('vendor/v.txt', 'keep   \n').write('conf.yaml', 'a: 1\n');
  r.git('add', 'src', 'vendor', 'conf.yaml'); // no .json or .js: prettier would need npx to find it
  let res = commit(r, ['-m', 'python']);
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:src/m.py'), 'x = 1\n', 'trailing whitespace fixed and re-staged');
  assert.is(show(r, 'HEAD:vendor/v.txt'), 'keep   \n', 'the global exclude is kept');
  assert.match(ran(r), /^no-todo src\/m\.py$/m);
  // ruff's fix is its check in write mode: with fixes on, it runs once, as the fix (docs/fixes.md).
  assert.match(ran(r), /^ruff check --fix --force-exclude src\/m\.py$/m);
  r.write('bad.yaml', 'a: [1,\n').git('add', 'bad.yaml');
  res = commit(r, ['-m', 'bad yaml']);
  assert.is.not(res.code, 0);
  assert.match(res.stdout + res.stderr, /bad\.yaml:\d+:\d+: invalid YAML/);
});

test('lefthook: commands and jobs, glob, stage_fixed split into check and fix, {staged_files} and {1}', () => {
  const { r, init, res } = convertAndCommit('lefthook');
  assert.match(init, 'lefthook.yml pre-commit lint → pre-commit/lint');
  assert.match(init, 'lefthook.yml pre-push tests → pre-push/tests');
  assert.match(init, 'lefthook.yml pre-commit everything: {all_files}');
  assert.match(init, 'script size-check.sh');
  assert.match(init, 'lefthook.yml post-checkout: heph re-syncs on post-checkout');
  assert.match(init, 'lefthook uninstall');
  assert.match(init, 'lefthook.yml pre-commit docs: skip not converted');
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:app.js'), 'const a = 1;\nconst b = "ugly";\n', 'eslint --fix applied and re-staged; prettier only covers *.md here');
  const msg = commit(r, ['--allow-empty', '-m', 'WIP: later']);
  assert.is.not(msg.code, 0, 'commit-msg check got the message file');
  assert.match(msg.stdout + msg.stderr, 'no wip commits');
});

test('lint-staged: package.json key, .lintstagedrc.yaml and lint-staged.config.mjs convert alike; functions and git add are reported', () => {
  const { r, init, res } = convertAndCommit('lint-staged');
  assert.match(init, 'read package.json ("lint-staged")');
  assert.match(init, 'lint-staged "*.{js,ts}": eslint --fix → pre-commit/eslint');
  assert.match(init, '"git add" dropped: heph re-stages what fixes change');
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:app.js'), 'const a = 1;\nconst b = "pretty";\n', 'both fixes applied and re-staged');
  const fromPkg = r.read('.heph.json');
  // The same tasks from the YAML file, then from the module (which adds a function task).
  r.write('package.json', '{ "name": "web-app", "private": true }\n');
  let again = r.heph(['init', '--from', 'lint-staged', '--force']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, 'read .lintstagedrc.yaml');
  assert.is(r.read('.heph.json'), fromPkg);
  r.remove('.lintstagedrc.yaml');
  again = r.heph(['init', '--from', 'lint-staged', '--force']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, 'read lint-staged.config.mjs');
  assert.match(again.stdout, 'lint-staged "*.ts": a function task: a function builds its commands at commit time');
  assert.is(r.read('.heph.json'), fromPkg);
});

test('husky: each line of .husky/* becomes a check, npx lint-staged brings in its config, control flow stays one script, $1 is the message file', () => {
  const { r, init, res } = convertAndCommit('husky');
  assert.match(init, 'lint-staged "*.js" (.husky/pre-commit): eslint --fix → pre-commit/eslint');
  assert.match(init, '.husky/pre-commit: typecheck --strict → pre-commit/typecheck');
  assert.match(init, '.husky/pre-push: the whole script (it has control flow) → pre-push/push-script');
  assert.match(init, 'npm uninstall husky');
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:app.js'), 'const a = 1;\nconst b = "ugly";\n');
  assert.match(ran(r), /^typecheck --strict$/m);
  assert.is.not(commit(r, ['--allow-empty', '-m', 'wip']).code, 0);
  // pre-push runs the whole script: unit-tests, unless CI=true.
  const remote = track(new Repo({ bare: true }));
  r.git('remote', 'add', 'origin', remote.dir);
  const push = r.gitResult(['push', '-q', 'origin', 'main']);
  assert.is(push.code, 0, push.stderr);
  assert.match(ran(r), /^unit-tests $/m);
});

test('simple-git-hooks: each hook command becomes a check; other events are listed', () => {
  const { r, init, res } = convertAndCommit('simple-git-hooks');
  assert.match(init, 'package.json "simple-git-hooks".pre-push: unit-tests && typecheck --strict → pre-push/unit-tests');
  assert.match(init, 'package.json "simple-git-hooks".post-merge (post-merge)');
  assert.match(init, 'remove the "simple-git-hooks" key from package.json');
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(show(r, 'HEAD:app.js'), 'const a = 1;\nconst b = "pretty";\n');
});

test('heph init --from: an unknown tool and a missing configuration exit 2; an existing .heph.json is kept without --force', () => {
  const r = track(new Repo());
  r.write('README.md', 'x\n').commitAll();
  let res = r.heph(['init', '--from', 'overcommit']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'unknown tool "overcommit"');
  res = r.heph(['init', '--from', 'lefthook']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'no lefthook configuration found');
  const m = migratedRepo('lefthook');
  m.config({ phases: [{ name: 'q', checks: [{ name: 'x', run: 'true' }] }] });
  res = m.heph(['init', '--from', 'lefthook']);
  assert.is(res.code, 2);
  assert.match(res.stderr, 'already exists');
});

test('heph init offers the conversion when it finds another tool', () => {
  const r = migratedRepo('lefthook');
  const none = r.heph(['init']);
  assert.is(none.code, 2, 'no Python or Node project to detect');
  assert.match(none.stderr, "or convert lefthook's configuration: heph init --from lefthook");
  r.write('pyproject.toml', '[project]\nname = "x"\n');
  const res = r.heph(['init']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /lefthook \(lefthook\.yml\): .*heph init --from lefthook --force/);
});

test.run();
