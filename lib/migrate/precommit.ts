/**
 * pre-commit: `.pre-commit-config.yaml`. Local hooks with `language: system`
 * or `script` run their `entry` directly; hooks of well-known repositories
 * map to heph's built-ins or to the tool on PATH; every other hook is listed as
 * not converted, with the reason.
 */
import { needsShell } from './commands.js';
import { readData, readText, type Any } from './read.js';
import { regexToGlobs, typesToGlobs } from './regex.js';
import { addCheck, type Event, type Migration, type MigratedCheck } from './result.js';

type Known = Pick<MigratedCheck, 'run' | 'fix' | 'files'>;

/** pre-commit-hooks ids with a built-in; `args` adapts the hook's arguments. */
const BUILTIN: Record<string, { name: string; fix?: boolean; files?: string[]; args?: (a: string[]) => string }> = {
  'trailing-whitespace': { name: 'trailing-whitespace', fix: true },
  'end-of-file-fixer': { name: 'end-of-file', fix: true },
  'mixed-line-ending': { name: 'mixed-line-ending', fix: true, args: (a) => { const v = a.find((x) => x.startsWith('--fix='))?.slice(6); return v === 'lf' || v === 'crlf' ? ` --to ${v}` : ''; } },
  'check-merge-conflict': { name: 'merge-conflict' },
  'check-added-large-files': { name: 'large-files', args: (a) => { const v = a.find((x) => x.startsWith('--maxkb='))?.slice(8); return v ? ` --max-kb ${v}` : ''; } },
  'detect-private-key': { name: 'private-key' },
  'check-case-conflict': { name: 'case-conflict' },
  'check-symlinks': { name: 'broken-symlinks' },
  'check-json': { name: 'json', files: ['*.json'] },
  'check-yaml': { name: 'yaml', files: ['*.yaml', '*.yml'] },
  'check-toml': { name: 'toml', files: ['*.toml'] },
  'check-executables-have-shebangs': { name: 'shebang' },
};

const PY = ['*.py', '*.pyi'];
const JS = ['*.js', '*.jsx', '*.mjs', '*.cjs', '*.ts', '*.tsx', '*.mts', '*.cts'];
/** Hooks of well-known repositories, run with the tool on PATH (pre-commit installed its own copy). */
const TOOLS: Record<string, Known> = {
  ruff: { run: 'ruff check --force-exclude {files}', fix: 'ruff check --fix --force-exclude {files}', files: PY },
  'ruff-check': { run: 'ruff check --force-exclude {files}', fix: 'ruff check --fix --force-exclude {files}', files: PY },
  'ruff-format': { run: 'ruff format --check --force-exclude {files}', fix: 'ruff format --force-exclude {files}', files: PY },
  black: { run: 'black --check {files}', fix: 'black {files}', files: PY },
  isort: { run: 'isort --check-only {files}', fix: 'isort {files}', files: PY },
  flake8: { run: 'flake8 {files}', files: PY },
  mypy: { run: 'mypy {files}', files: PY },
  prettier: { run: 'npx --no-install prettier --check --ignore-unknown {files}', fix: 'npx --no-install prettier --write --ignore-unknown {files}', files: ['*'] },
  eslint: { run: 'npx --no-install eslint {files}', fix: 'npx --no-install eslint --fix {files}', files: JS },
};
const KNOWN_REPOS = /github\.com\/(pre-commit\/pre-commit-hooks|astral-sh\/ruff-pre-commit|charliermarsh\/ruff-pre-commit|psf\/black(-pre-commit-mirror)?|pycqa\/(isort|flake8)|PyCQA\/(isort|flake8)|pre-commit\/mirrors-(prettier|eslint|mypy)|rbubley\/mirrors-prettier)\b/i;
const STAGES: Record<string, Event> = { 'pre-commit': 'pre-commit', commit: 'pre-commit', 'pre-push': 'pre-push', push: 'pre-push', 'commit-msg': 'commit-msg' };

/** The hook's file selection as globs: types ∩ files, minus exclude. null + why when it has no glob form. */
function selection(hook: Any, top: Any, base: string[] | undefined): { files?: string[]; why?: string; note?: string } {
  let files = base;
  const types = [...(hook.types ?? []), ...(hook.types_or ?? [])].filter((t: string) => t !== 'file' && t !== 'text');
  if (types.length) {
    const g = typesToGlobs(types);
    if (!g) return { why: `types ${JSON.stringify(types)} have no glob form` };
    files = g;
  }
  let note: string | undefined;
  if (hook.files) {
    const g = regexToGlobs(hook.files);
    if (!g) return { why: `files regex ${JSON.stringify(hook.files)} has no glob form heph can derive` };
    if (files && files[0] !== '*' && types.length) {
      // A folder regex (^src/) and type globs (*.py) meet as src/**/*.py; other pairs have no glob form.
      if (!g.every((x) => x.endsWith('/**'))) return { why: `both types and a files regex (${JSON.stringify(hook.files)}): their intersection has no glob form` };
      files = g.flatMap((d) => files!.map((t) => `${d}/${t}`));
      g.length = 0;
    }
    if (/^\^[^/]*\$$/.test(hook.files.trim())) note = `files ${JSON.stringify(hook.files)} matches at the root only; the glob ${g.join(', ')} matches that name at any depth`;
    if (g.length) files = g;
  }
  for (const ex of [hook.exclude, top.exclude].filter(Boolean)) {
    const g = regexToGlobs(ex);
    if (!g) return { why: `exclude regex ${JSON.stringify(ex)} has no glob form heph can derive` };
    files = [...(files ?? ['*']), ...g.map((x) => `!${x}`)];
  }
  return { files, note };
}

export function migratePreCommit(root: string, m: Migration): boolean {
  if (readText(root, '.pre-commit-config.yaml') === null) return false;
  const config: Any = readData(root, '.pre-commit-config.yaml') ?? {};
  m.sources.push('.pre-commit-config.yaml');
  const defaultStages: string[] = config.default_stages ?? ['pre-commit'];
  for (const repo of config.repos ?? []) {
    for (const hook of repo.hooks ?? []) {
      const id = String(hook.id);
      const what = `${repo.repo === 'local' || repo.repo === 'meta' ? repo.repo : String(repo.repo).replace(/^https:\/\/github\.com\//, '')} ${id}`;
      const stages: string[] = ((hook.stages ?? defaultStages) as string[]).map((s) => STAGES[s] ?? s);
      const events = [...new Set(stages.filter((s) => s === 'pre-commit' || s === 'pre-push' || s === 'commit-msg'))] as Event[];
      const skip = (why: string) => m.skipped.push({ what, why });
      if (!events.length) {
        skip(`stages ${JSON.stringify(hook.stages ?? defaultStages)}: heph runs checks in pre-commit, pre-push and commit-msg${stages.includes('manual') ? ' (a manual hook can become a check you run with heph run --only)' : ''}`);
        continue;
      }
      let known: Known | null = null;
      let shell = false;
      if (repo.repo === 'meta') skip('pre-commit checks its own configuration; heph validates .heph.json itself');
      else if (repo.repo === 'local') {
        if (!['system', 'script', 'unsupported', 'unsupported_script'].includes(hook.language)) skip(`language: ${hook.language} needs the environment pre-commit builds for it; install the tool, set language: system, or add the check by hand`);
        else {
          const entry = String(hook.entry) + (hook.args?.length ? ' ' + hook.args.map((a: string) => (/[\s'"\\$]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ') : '');
          const pass = hook.pass_filenames !== false;
          const msg = events.includes('commit-msg');
          shell = needsShell(entry);
          known = { run: `${entry}${pass ? (msg ? ' {msgfile}' : ' {files}') : ''}` };
        }
      } else if (/github\.com\/pre-commit\/pre-commit-hooks\b/.test(String(repo.repo)) && BUILTIN[id]) {
        const b = BUILTIN[id];
        const extra = b.args?.(hook.args ?? []) ?? '';
        known = { run: `heph:${b.name}${extra}`, ...(b.fix ? { fix: `heph:${b.name}${extra} --fix` } : {}), ...(b.files ? { files: b.files } : {}) };
      } else if (KNOWN_REPOS.test(String(repo.repo)) && TOOLS[id]) {
        known = { ...TOOLS[id] };
        if (hook.args?.length) m.notes.push(`${what}: args ${JSON.stringify(hook.args)} not carried over; add them to the command if they matter`);
        m.notes.push(`${what}: runs ${known.run.split(' {')[0].replace(/^npx --no-install /, '')} from PATH or node_modules (pre-commit pinned ${repo.rev ?? 'a version'} in its own environment)`);
      } else if (/github\.com\/pre-commit\/pre-commit-hooks\b/.test(String(repo.repo))) skip('heph has no built-in for this pre-commit-hooks hook');
      else skip(`hooks from ${repo.repo} run in an environment pre-commit builds; heph knows no equivalent (add the tool as a check by hand)`);
      if (!known) continue;
      const sel = hook.always_run ? { files: undefined } : selection(hook, config, known.files);
      if ('why' in sel && sel.why) {
        skip(sel.why);
        continue;
      }
      if (sel.note) m.notes.push(`${what}: ${sel.note}`);
      // pass_filenames: false with files: the files still decide whether it runs.
      const files = known.run.includes('{files}') && !sel.files ? ['*'] : sel.files;
      for (const ev of events) {
        addCheck(m, ev, { name: hook.alias ?? id, ...(hook.name && hook.name !== id ? { description: hook.name } : {}), ...known, ...(shell ? { shell: true } : {}), ...(files && ev !== 'commit-msg' ? { files } : {}) }, what);
      }
    }
  }
  m.removal.push('pre-commit uninstall (add -t pre-push / -t commit-msg for each hook type you installed), then delete .pre-commit-config.yaml');
  return true;
}
