/**
 * Stand-in executables for the tools the presets call (uv, ruff, mypy,
 * pytest, black, flake8, npm, pnpm, npx), placed on PATH so the presets' real commands run without
 * the real tools. Each logs its arguments like `Repo.counter`, and behaves
 * like its tool in the one way a test needs:
 *
 * - lint (`ruff check`, `eslint`): a file containing BAD fails; the fix turns BAD into GOOD;
 * - format (`ruff format`, `prettier`): a line ending in a space fails; the fix strips it;
 * - type check (`mypy`, `tsc`): a file under src/ containing TYPE_ERROR fails;
 * - lockfiles (`uv lock`, `npm ci --dry-run`): the lockfile records the manifest's checksum;
 *   the check fails when they differ, the fix (`uv lock`, `npm install`) rewrites it; `npm ci` installs without touching it;
 * - tests (`pytest`, `npm test`): exit with $FAKE_EXIT_<tool> (default 0);
 * - caches (`--cache-location F`, `--tsBuildInfoFile F`): F is created, as the tool would.
 */
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Repo } from './repo.js';
import { commit } from './hooks.js';

const log = (base: string, name: string) => `{ for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\036\\n'; } >> "${join(base, 'calls', name)}"`;

/** Shell functions the stand-ins share: the file arguments (not options) of a call. */
const LIB = `
files() { for a in "$@"; do case "$a" in -*) ;; *) printf '%s\\n' "$a";; esac; done; }
lint() { # lint FIX FILE...
  fix=$1; shift; bad=0; skip=0
  for f in "$@"; do [ $skip = 1 ] && { skip=0; mkdir -p "$(dirname "$f")"; : > "$f"; continue; }; case "$f" in --cache-location) skip=1; continue;; -*) continue;; esac
    if grep -q BAD "$f"; then if [ "$fix" = 1 ]; then sed -i 's/BAD/GOOD/g' "$f"; else echo "$f: BAD found" >&2; bad=1; fi; fi
  done; exit $bad; }
format() { # format FIX FILE...
  fix=$1; shift; bad=0; skip=0
  for f in "$@"; do [ $skip = 1 ] && { skip=0; mkdir -p "$(dirname "$f")"; : > "$f"; continue; }; case "$f" in --cache-location) skip=1; continue;; -*) continue;; esac
    if grep -q ' $' "$f"; then if [ "$fix" = 1 ]; then sed -i 's/ *$//' "$f"; else echo "would reformat $f" >&2; bad=1; fi; fi
  done; exit $bad; }
typecheck() { if grep -rl TYPE_ERROR src >&2; then echo "type errors" >&2; exit 1; fi; exit 0; }
sum() { cksum < "$1" | cut -d' ' -f1; }
# What an install puts in node_modules/.bin: the tools, each handing over to the npx stand-in.
bins() { mkdir -p node_modules/.bin; for t in eslint prettier tsc biome; do printf '#!/bin/sh\\nexec npx --no-install %s "$@"\\n' $t > node_modules/.bin/$t; chmod +x node_modules/.bin/$t; done; }
`;

const SCRIPTS: Record<string, string> = {
  uv: `case "$1" in
  --version) echo "uv 0.0.0 (stand-in)";;
  lock) s=$(sum pyproject.toml)
    if [ "$2" = --check ]; then grep -qx "pyproject $s" uv.lock 2>/dev/null || { echo "The lockfile needs to be updated" >&2; exit 1; }
    else echo "pyproject $s" > uv.lock; fi;;
  sync) s=$(sum pyproject.toml)
    if [ "$2" = --locked ]; then grep -qx "pyproject $s" uv.lock 2>/dev/null || { echo "The lockfile needs to be updated" >&2; exit 1; }
    else echo "pyproject $s" > uv.lock; fi
    # Written aside and renamed, as an installer replaces files: never a half-written interpreter.
    mkdir -p .venv/bin && printf '#!/bin/sh\\nexit 0\\n' > .venv/bin/.python.tmp && chmod +x .venv/bin/.python.tmp && mv -f .venv/bin/.python.tmp .venv/bin/python;;
  run) shift; [ "$1" = --frozen ] && shift; exec "$@";;
  *) echo "uv stand-in: unknown $*" >&2; exit 2;;
esac`,
  ruff: `cmd=$1; shift
case "$cmd" in
  check) fix=0; [ "$1" = --fix ] && fix=1; lint $fix "$@";;
  format) fix=1; [ "$1" = --check ] && fix=0; format $fix "$@";;
esac`,
  mypy: 'typecheck',
  black: `fix=1; case " $* " in *" --check "*) fix=0;; esac; format $fix "$@"`,
  flake8: 'lint 0 "$@"',
  pytest: 'exit ${FAKE_EXIT_pytest:-0}',
  npm: `case "$1" in
  ci) s=$(sum package.json); grep -q "\\"packageJson\\": \\"$s\\"" package-lock.json 2>/dev/null || { echo "npm error \\\`npm ci\\\` can only install packages when your package.json and package-lock.json are in sync" >&2; exit 1; }
    # Without --dry-run it installs, and never writes the lockfile.
    case " $* " in *" --dry-run "*) ;; *) bins; echo "$s" > node_modules/.installed;; esac;;
  install) s=$(sum package.json); printf '{\\n  "lockfileVersion": 3,\\n  "packageJson": "%s"\\n}\\n' "$s" > package-lock.json; bins; echo "$s" > node_modules/.installed;;
  test) exit \${FAKE_EXIT_npm_test:-0};;
  *) echo "npm stand-in: unknown $*" >&2; exit 2;;
esac`,
  // pnpm: the npm stand-in's lockfile rules on pnpm-lock.yaml.
  pnpm: `case "$1" in
  install) s=$(sum package.json)
    case " $* " in *" --frozen-lockfile "*) grep -qx "packageJson: $s" pnpm-lock.yaml 2>/dev/null || { echo "ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with frozen-lockfile because pnpm-lock.yaml is not up to date with package.json" >&2; exit 1; };;
      *) echo "packageJson: $s" > pnpm-lock.yaml;; esac
    case " $* " in *" --lockfile-only "*) ;; *) bins; echo "$s" > node_modules/.installed;; esac;;
  test) exit \${FAKE_EXIT_npm_test:-0};;
  *) echo "pnpm stand-in: unknown $*" >&2; exit 2;;
esac`,
  npx: `[ "$1" = --no-install ] || { echo "npx stand-in: expected --no-install" >&2; exit 2; }
shift; tool=$1; shift
case "$tool" in
  eslint) fix=0; case " $* " in *" --fix "*) fix=1;; esac; lint $fix "$@";;
  prettier) fix=1; case " $* " in *" --check "*) fix=0;; esac; format $fix "$@";;
  biome) shift; fix=0; case " $* " in *" --write "*) fix=1;; esac; ( lint $fix "$@" ) && format $fix "$@";;
  tsc) while [ $# -gt 0 ]; do [ "$1" = --tsBuildInfoFile ] && { mkdir -p "$(dirname "$2")"; : > "$2"; }; shift; done; typecheck;;
  *) echo "npx stand-in: unknown $tool" >&2; exit 2;;
esac`,
};

/**
 * Commits the project as it is, then does what a new user does: `heph init`
 * (which must detect `preset`), `heph install`, and a commit of `.heph.json`
 * through the hooks, which must pass.
 */
export function initAndInstall(r: Repo, preset: 'python' | 'node'): Repo {
  r.commitAll('project');
  const init = r.heph(['init']);
  assert.is(init.code, 0, init.stderr);
  assert.match(init.stdout, new RegExp(`${preset} preset \\(detected\\)`));
  assert.is(r.heph(['install']).code, 0);
  r.git('add', '.heph.json');
  const first = commit(r, ['-m', 'heph']);
  assert.is(first.code, 0, first.stdout + first.stderr);
  return r;
}

/**
 * A PATH of the named stand-ins, git, the shell utilities the stand-ins call
 * and the named system programs only: whatever else this machine has
 * installed (a real uv or ruff), the presets see it missing.
 */
export function onlyOnPath(r: Repo, tools: (keyof typeof SCRIPTS)[], system: string[] = []): Repo {
  standIns(r, tools);
  const sys = join(r.base, 'sys');
  mkdirSync(sys, { recursive: true });
  for (const name of ['sh', 'git', 'grep', 'sed', 'cut', 'cksum', 'cat', 'rm', 'mkdir', 'mktemp', 'mv', 'chmod', 'dirname', ...system]) {
    // A version manager's shim (pyenv's python3) needs the manager: link the interpreter itself.
    const probe = name.startsWith('python') ? `${name} -c 'import sys; print(sys.executable)'` : `command -v ${name}`;
    const found = spawnSync('sh', ['-c', probe], { encoding: 'utf8' }).stdout.trim();
    if (found.startsWith('/') && !existsSync(join(sys, name))) symlinkSync(found, join(sys, name));
  }
  r.env.PATH = `${join(r.base, 'bin')}:${sys}`;
  return r;
}

/** Puts the stand-ins on the repo's PATH (for heph and for git's hooks). */
export function standIns(r: Repo, names: (keyof typeof SCRIPTS)[]): void {
  const bin = join(r.base, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(r.base, 'calls'), { recursive: true });
  for (const name of names) {
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\n${log(r.base, name)}\n${LIB}\n${SCRIPTS[name]}\n`);
    chmodSync(file, 0o755);
  }
  if (!r.env.PATH?.startsWith(bin)) r.env.PATH = `${bin}:${r.env.PATH}`;
}
