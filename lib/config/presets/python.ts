/**
 * The Python preset: a uv project (or a plain one) with ruff, mypy and pytest
 * where the repository declares them or they are on PATH.
 */
import { firstVersion, macosCruft } from './common.js';
import type { PresetCheck, PresetPart, Probe, Tool } from './types.js';

export function isPython(p: Probe): boolean {
  return p.has('pyproject.toml') || p.has('uv.lock') || requirementFiles(p).length > 0;
}

function requirementFiles(p: Probe): string[] {
  return p.rootNames().filter((n) => /^requirements.*\.(txt|in)$/.test(n));
}

/** `requires-python = ">=3.11"` from pyproject.toml's [project] table. */
export function requiresPython(pyproject: string): string | null {
  return /^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject)?.[1] ?? null;
}

/** The version uv.lock pins for a package: `[[package]]` / `name = "mypy"` / `version = "1.15.0"`. */
export function lockedVersion(lock: string, name: string): string | null {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^name = "${esc}"\\r?\\nversion = "([^"]+)"`, 'm').exec(lock)?.[1] ?? null;
}

export function pythonPreset(p: Probe): PresetPart {
  const notes: string[] = [];
  const pyproject = p.read('pyproject.toml') ?? '';
  const requirements = requirementFiles(p).map((f) => p.read(f) ?? '').join('\n');
  const uv = p.has('uv.lock') || /^\[tool\.uv[\].]/m.test(pyproject);
  if (uv) notes.push(`uv project (${p.has('uv.lock') ? 'uv.lock' : '[tool.uv] in pyproject.toml'}): lock, sync and .venv checks`);
  else notes.push('no uv.lock: no lock or sync checks (run `uv lock` and `heph init --force` to add them)');

  const declared = (tool: string) =>
    new RegExp(`["']${tool}(?:[\\s\\[<>=!~;,"']|$)`, 'm').test(pyproject) || new RegExp(`^${tool}(?:[\\s\\[<>=!~;]|$)`, 'm').test(requirements);
  /**
   * How to call a tool: through uv when the project pins it and uv is here,
   * else by name (from PATH); null when the repository does not use it.
   */
  const tool = (name: string, configured: boolean): string | null => {
    if (uv && declared(name) && p.onPath('uv')) return `uv run --frozen ${name}`;
    if (uv && declared(name) && p.onPath(name)) {
      const pinned = lockedVersion(p.read('uv.lock') ?? '', name);
      notes.push(`${name}: uv is not installed, so ${name} runs from PATH, in whatever version is there${pinned ? ` (uv.lock pins ${pinned})` : ''}`);
    }
    if (declared(name) || configured || p.onPath(name)) return name;
    return null;
  };
  /** What a command needs: uv for `uv run`, else the tool itself, from PATH. */
  const needs = (cmd: string): Tool[] => [{ name: cmd.startsWith('uv run') ? 'uv' : cmd.split(' ')[0]!, from: 'system' }];
  const say = (name: string, cmd: string | null, why: string) =>
    notes.push(cmd ? `${name}: ${cmd.startsWith('uv run') ? 'declared in pyproject.toml, run through uv' : declared(name) ? 'declared' : why}` : `${name}: not declared, configured or on PATH, left out`);

  const environment: PresetCheck[] = [];
  const version = firstVersion([
    ['pyproject.toml requires-python', requiresPython(pyproject)],
    ['.python-version', p.read('.python-version')],
  ]);
  if (version) {
    const { label: versionSource, min } = version;
    const want = `${min[0]}, ${min[1]}`;
    environment.push({
      name: 'python',
      description: `Python is at least ${min[0]}.${min[1]} (${versionSource}).`,
      run: `python3 -c "import sys; sys.exit(0 if sys.version_info >= (${want}) else 'python ' + sys.version.split()[0] + ' is older than ${min[0]}.${min[1]} (${versionSource})')"`,
      inputs: [],
      env: ['PATH'],
      ttl: '1h',
      tools: [{ name: 'python3', from: 'system' }],
    });
  } else notes.push('no requires-python or .python-version: no Python version check');
  const uvTool: Tool[] = [{ name: 'uv', from: 'system' }];
  if (uv) environment.push({ name: 'uv', description: 'uv is installed.', run: 'uv --version', inputs: [], env: ['PATH'], ttl: '1h', tools: uvTool });

  const dependencies: PresetCheck[] = [];
  if (uv) {
    dependencies.push(
      { name: 'uv-lock', description: 'uv.lock is in sync with pyproject.toml; the fix relocks.', run: 'uv lock --check', fix: 'uv lock', inputs: ['pyproject.toml', 'uv.lock'], tools: uvTool },
      // No fix: syncing never edits the lockfile; only uv-lock's fix relocks.
      { name: 'uv-sync', description: 'The environment matches uv.lock, which it never edits (runs after a lockfile change, and on checkout and merge).', run: 'uv sync --locked', inputs: ['uv.lock'], tools: uvTool },
      {
        name: 'venv',
        description: "A .venv exists and belongs to this repository (not a copy or a link to another checkout's).",
        run: `.venv/bin/python -c "import os, sys; sys.exit(0 if os.path.realpath(sys.prefix) == os.path.realpath('.venv') else '.venv belongs to ' + sys.prefix)"`,
        fix: 'uv sync --locked',
        inputs: ['uv.lock', '.python-version'],
        ttl: '10m',
        tools: uvTool,
      },
    );
  }

  const quality: PresetCheck[] = [];
  const pyFiles = ['*.py', '*.pyi'];
  const ruffConfigured = p.has('ruff.toml') || p.has('.ruff.toml') || /^\[tool\.ruff[\].]/m.test(pyproject);
  const ruff = tool('ruff', ruffConfigured);
  say('ruff', ruff, ruffConfigured ? 'configured' : 'on PATH');
  // What init offers when ruff is missing: the older tools, when installed.
  const flake8: PresetCheck = { name: 'flake8', description: 'Lint the Python files with flake8 (staged ones in a commit).', run: 'flake8 {files}', files: pyFiles, inputs: [...pyFiles, 'setup.cfg', 'tox.ini', '.flake8'], tools: [{ name: 'flake8', from: 'system' }] };
  const black: PresetCheck = { name: 'black', description: 'Python files are formatted by black; the fix formats them.', run: 'black --check --quiet {files}', fix: 'black --quiet {files}', files: pyFiles, inputs: [...pyFiles, 'pyproject.toml'], tools: [{ name: 'black', from: 'system' }] };
  if (ruff) {
    const inputs = [...pyFiles, 'pyproject.toml', 'ruff.toml', '.ruff.toml'];
    quality.push(
      { name: 'ruff', description: 'Lint the Python files (staged ones in a commit); the fix applies ruff\'s safe fixes.', run: `${ruff} check --force-exclude {files}`, fix: `${ruff} check --fix --force-exclude {files}`, files: pyFiles, inputs, tools: needs(ruff), ...(p.onPath('flake8') ? { alternative: flake8 } : {}) },
      { name: 'ruff-format', description: 'Python files are formatted; the fix formats them.', run: `${ruff} format --check --force-exclude {files}`, fix: `${ruff} format --force-exclude {files}`, files: pyFiles, inputs, tools: needs(ruff), ...(p.onPath('black') ? { alternative: black } : {}) },
    );
  }
  if (!ruff) {
    // A project on the older tools: they are its linter and formatter.
    const black_ = declared('black') || /^\[tool\.black[\].]/m.test(pyproject) ? tool('black', true) : null;
    const flake8_ = declared('flake8') || p.has('.flake8') || /^\[flake8\]/m.test((p.read('setup.cfg') ?? '') + (p.read('tox.ini') ?? '')) ? tool('flake8', true) : null;
    if (flake8_) quality.push({ ...flake8, run: `${flake8_} {files}`, tools: needs(flake8_) });
    if (black_) quality.push({ ...black, run: `${black_} --check --quiet {files}`, fix: `${black_} --quiet {files}`, tools: needs(black_) });
    if (flake8_ || black_) notes.push(`${[flake8_ && 'flake8', black_ && 'black'].filter(Boolean).join(' and ')}: declared or configured, used in ruff's place`);
  }
  const mypyConfigured = p.has('mypy.ini') || p.has('.mypy.ini') || /^\[tool\.mypy[\].]/m.test(pyproject) || /^\[mypy\]/m.test(p.read('setup.cfg') ?? '');
  const mypy = mypyConfigured || declared('mypy') ? tool('mypy', true) : null;
  notes.push(mypy ? `mypy: ${mypyConfigured ? 'configured' : 'declared'}` : 'mypy: not configured, left out');
  if (mypy) {
    const hasFiles = /^\s*files\s*=/m.test(pyproject.slice(pyproject.search(/^\[tool\.mypy\]/m)));
    const target = hasFiles ? '' : p.has('src') ? ' src' : ' .';
    quality.push({ name: 'mypy', description: 'Type-check the project (tagged slow: pre-push and `heph run`, not pre-commit).', run: `${mypy}${target}`, inputs: [...pyFiles, 'pyproject.toml', 'mypy.ini', '.mypy.ini', 'setup.cfg', 'uv.lock'], tags: ['slow'], tools: needs(mypy) });
  }
  const pytestConfigured = p.has('pytest.ini') || p.has('conftest.py') || /^\[tool\.pytest[\].]/m.test(pyproject) || p.has('tests');
  const pytest = pytestConfigured || declared('pytest') ? tool('pytest', pytestConfigured) : null;
  say('pytest', pytest, 'configured');
  if (pytest) quality.push({ name: 'pytest', description: 'The test suite (tagged test: skipped in pre-commit and by --skip-tests).', run: `${pytest} -q`, tags: ['test'], tools: needs(pytest) });

  return { preset: 'python', checks: { environment, dependencies, quality, platform: [macosCruft] }, notes };
}
