/**
 * The Node preset: the package manager's own lockfile check, installs on
 * checkout and merge, eslint, prettier, tsc and the test script where the
 * repository uses them.
 */
import { firstVersion, macosCruft } from './common.js';
import { scriptScope } from './scripts.js';
import type { PresetCheck, PresetPart, Probe } from './types.js';

type Manager = 'npm' | 'pnpm' | 'yarn' | 'yarn-classic';

const LOCKFILES: [string, Manager][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
];

export function nodeLockfile(p: Probe): string | null {
  return LOCKFILES.find(([f]) => p.has(f))?.[0] ?? null;
}

/** A package.json at the root: with a lockfile, or without one (libraries often commit none). */
export function isNode(p: Probe): boolean {
  return p.has('package.json');
}

interface Pkg {
  engines?: { node?: string };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: string;
  prettier?: unknown;
  eslintConfig?: unknown;
}

function manager(p: Probe, pkg: Pkg, lockfile: string | null): Manager {
  const named = /^(npm|pnpm|yarn)@(\d+)/.exec(pkg.packageManager ?? '');
  const m: Manager = named ? (named[1] as Manager) : ((LOCKFILES.find(([f]) => f === lockfile)?.[1] ?? 'npm') as Manager);
  if (m === 'yarn' && !p.has('.yarnrc.yml') && !(named && Number(named[2]) >= 2)) return 'yarn-classic';
  return m;
}

/** Each manager's lockfile check (fails when package.json and the lockfile disagree), its fix, and its install. */
const COMMANDS: Record<Manager, { lock: string; fix: string; install: string | null; test: string }> = {
  npm: { lock: 'npm ci --dry-run --ignore-scripts --no-audit --no-fund', fix: 'npm install --no-audit --no-fund', install: 'npm ci --no-audit --no-fund', test: 'npm test' },
  pnpm: { lock: 'pnpm install --frozen-lockfile --lockfile-only --ignore-scripts', fix: 'pnpm install', install: 'pnpm install --frozen-lockfile', test: 'pnpm test' },
  yarn: { lock: 'yarn install --immutable --mode=update-lockfile', fix: 'yarn install', install: 'yarn install --immutable', test: 'yarn test' },
  // Yarn 1 has no lockfile-only mode: its frozen install checks and installs in one.
  'yarn-classic': { lock: 'yarn install --frozen-lockfile', fix: 'yarn install', install: null, test: 'yarn test' },
};

const NPM_DEFAULT_TEST = /no test specified/;
const CODE = '*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}';
/**
 * The tools' own caches live under heph's folder in the git directory: a
 * clean install (npm ci empties node_modules) keeps them, and each worktree
 * gets its own (`git rev-parse --git-path` gives .git/heph/cache in the main
 * checkout, .git/worktrees/<name>/heph/cache in a linked one), as tsc's build
 * info records paths relative to itself. The path is computed by the shell,
 * so these checks run through sh.
 */
export const CACHE_DIR = '.git/heph/cache';
const cacheFile = (name: string) => `"$(git rev-parse --git-path heph/cache/${name})"`;

export function nodePreset(p: Probe): PresetPart {
  const notes: string[] = [];
  let pkg: Pkg = {};
  try {
    pkg = JSON.parse(p.read('package.json') ?? '{}') as Pkg;
  } catch {
    notes.push('package.json is not valid JSON: only the lockfile check is written');
  }
  const lockfile = nodeLockfile(p);
  const pm = manager(p, pkg, lockfile);
  const cmd = COMMANDS[pm];
  const pmName = pm.replace('-classic', '');
  const system = (name: string) => ({ name, from: 'system' as const });
  const dep = (name: string) => ({ name, from: 'install' as const });
  /*
   * Tools run from node_modules/.bin directly: npx and `pnpm exec` start a
   * package manager first (npx --no-install prettier: 2.4 s against 0.9 s
   * for the binary itself, on every commit). Yarn's Plug'n'Play has no
   * node_modules, so there the tools go through `yarn run`.
   */
  const pnp = pm === 'yarn' && (p.has('.pnp.cjs') || /nodeLinker:\s*["']?pnp/.test(p.read('.yarnrc.yml') ?? '') || !/nodeLinker:/.test(p.read('.yarnrc.yml') ?? ''));
  const via = pnp ? [system('yarn')] : [];
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const uses = (name: string, configFiles: RegExp) => name in deps || p.rootNames().some((n) => configFiles.test(n));
  notes.push(`package manager: ${pm === 'yarn-classic' ? 'yarn 1' : pm} (${lockfile ?? 'no lockfile'})`);

  const environment: PresetCheck[] = [];
  const version = firstVersion([
    ['package.json engines', pkg.engines?.node],
    ['.nvmrc', p.read('.nvmrc')],
    ['.node-version', p.read('.node-version')],
  ]);
  if (version) {
    const { label: source, min } = version;
    const v = min.join('.');
    environment.push({
      name: 'node',
      description: `Node.js is at least ${v} (${source}).`,
      run: `node -e "const h=process.versions.node.split('.').map(Number),w=[${min.join(',')}],d=h.map((x,i)=>x-w[i]).find(x=>x!==0)??0;if(d<0){console.error('node '+process.versions.node+' is older than ${v} (${source})');process.exit(1)}"`,
      inputs: [],
      env: ['PATH'],
      ttl: '1h',
    });
  } else notes.push('no engines.node, .nvmrc or .node-version: no Node.js version check');

  const dependencies: PresetCheck[] = [];
  // husky's prepare script points core.hooksPath back at .husky/_ on every install, turning heph's hooks off.
  const husky = 'husky' in deps;
  const quiet = (c: string) => (husky ? `HUSKY=0 ${c}` : c);
  const viaShell = husky ? { shell: true } : {};
  if (husky) notes.push("husky: its prepare script would point git's hooks back at .husky/ on every install; the install checks run with HUSKY=0");
  if (lockfile) {
    dependencies.push({ name: `${pmName}-lock`, description: `${lockfile} is in sync with package.json; the fix installs, and is the only check that may rewrite ${lockfile}.`, run: quiet(cmd.lock), fix: quiet(cmd.fix), ...viaShell, inputs: ['package.json', lockfile], tools: [system(pmName)] });
    if (cmd.install) {
      dependencies.push({
        name: `${pm}-install`,
        tools: [system(pmName)],
        description: 'node_modules matches the lockfile, which it never edits (a frozen install). Tagged install: runs in `heph run` and on checkout and merge when the lockfile changed, not in pre-commit or pre-push.',
        run: quiet(cmd.install),
        ...viaShell,
        inputs: [lockfile],
        tags: ['install'],
      });
    }
  } else if (pm === 'npm') {
    notes.push('no lockfile: npm installs from package.json without writing one (--no-package-lock); no lockfile check');
    dependencies.push({ name: 'npm-install', description: 'node_modules matches package.json (no lockfile is committed, and none is written). Tagged install.', run: quiet('npm install --no-package-lock --no-audit --no-fund'), ...viaShell, inputs: ['package.json'], tags: ['install'], tools: [system('npm')] });
  } else notes.push(`no lockfile: no lockfile or install check (commit ${pm === 'pnpm' ? 'pnpm-lock.yaml' : 'yarn.lock'} and run \`heph init --force\` to add them)`);

  const installs = dependencies.find((c) => c.tags?.includes('install'))?.run ?? dependencies[0]?.run ?? `${pmName} install`;
  if (!p.has('node_modules') && !pnp) notes.push(`node_modules is not there: install the dependencies (${installs}) before the first commit, or the tool checks cannot start`);

  const quality: PresetCheck[] = [];
  const x = (tool: string, args: string) => `${pnp ? 'yarn run ' : 'node_modules/.bin/'}${tool} ${args}`;
  const cache = (name: string) => `--cache --cache-location ${cacheFile(name)}`;
  if (uses('eslint', /^(eslint\.config\.[cm]?[jt]s|\.eslintrc(\..+)?)$/) || pkg.eslintConfig) {
    const scope = scriptScope(pkg.scripts, 'eslint', CODE);
    // Type-aware rules load the whole TypeScript program: seconds even for one file.
    const eslintConfig = p.rootNames().filter((n) => /^(eslint\.config\.[cm]?[jt]s|\.eslintrc(\..+)?)$/.test(n)).map((n) => p.read(n) ?? '').join('\n');
    const typed = /projectService|TypeChecked\b|parserOptions[\s\S]{0,300}\bproject\s*:/.test(eslintConfig);
    // eslint's cache keys a file by its own content: with type information, a change elsewhere can change its result.
    const eslintCache = typed ? '' : `${cache('eslintcache')} `;
    notes.push(`eslint: used${scope ? ` on ${scope.join(', ')} (as the package.json scripts run it)` : ''}${typed ? ", without eslint's cache (it would miss errors a change elsewhere causes)" : `; its cache is in ${CACHE_DIR}`}${typed ? '; type-aware rules (typescript-eslint with type information) take seconds even for one file: tagged slow, it runs in pre-push and `heph run`, not in pre-commit' : ''}`);
    quality.push({ name: 'eslint', description: 'Lint JavaScript/TypeScript files (staged ones in a commit); the fix applies eslint --fix.', run: x('eslint', `${eslintCache}{files}`), fix: x('eslint', `${eslintCache}--fix {files}`), files: scope ?? [CODE], shell: true, inputs: [CODE, 'eslint.config.*', '.eslintrc*', 'package.json', ...(typed ? ['tsconfig.json'] : [])], ...(typed ? { tags: ['slow'] } : {}), tools: [...via, dep('eslint')] });
  } else notes.push('eslint: not used, left out');
  if (uses('xo', /^(xo\.config\.[cm]?[jt]s|\.xo-config(\..+)?)$/)) {
    notes.push('xo: used');
    quality.push({ name: 'xo', description: 'Lint JavaScript/TypeScript files with xo (staged ones in a commit); the fix applies xo --fix.', run: x('xo', '{files}'), fix: x('xo', '--fix {files}'), files: [CODE], inputs: [CODE, 'xo.config.*', '.xo-config*', 'package.json'], tools: [...via, dep('xo')] });
  }
  if (uses('@biomejs/biome', /^biome\.jsonc?$/)) {
    notes.push('biome: used');
    const flags = '--files-ignore-unknown=true --no-errors-on-unmatched';
    quality.push({ name: 'biome', description: 'Lint and format with biome (staged files in a commit); the fix writes its safe fixes and formatting.', run: x('biome', `check ${flags} {files}`), fix: x('biome', `check --write ${flags} {files}`), files: ['*'], inputs: ['*', 'biome.json', 'biome.jsonc'], tools: [...via, dep('biome')] });
  }
  if (uses('oxlint', /^\.?oxlintrc\.json$/)) {
    notes.push('oxlint: used');
    quality.push({ name: 'oxlint', description: 'Lint JavaScript/TypeScript files with oxlint (staged ones in a commit); the fix applies oxlint --fix.', run: x('oxlint', '{files}'), fix: x('oxlint', '--fix {files}'), files: [CODE], inputs: [CODE, '.oxlintrc.json', 'oxlintrc.json'], tools: [...via, dep('oxlint')] });
  }
  if (uses('prettier', /^(prettier\.config\.[cm]?[jt]s|\.prettierrc(\..+)?)$/) || pkg.prettier) {
    const scope = scriptScope(pkg.scripts, 'prettier', '*');
    notes.push(`prettier: used${scope ? ` on ${scope.join(', ')} (as the package.json scripts run it)` : ''}; its cache is in ${CACHE_DIR}`);
    quality.push({ name: 'prettier', description: 'Files are formatted (staged ones in a commit); the fix writes the formatting.', run: x('prettier', `--check --ignore-unknown ${cache('prettiercache')} {files}`), fix: x('prettier', `--write --ignore-unknown ${cache('prettiercache')} {files}`), files: scope ?? ['*'], shell: true, tools: [...via, dep('prettier')] });
  } else notes.push('prettier: not used, left out');
  if (p.has('tsconfig.json')) {
    notes.push(`tsc: tsconfig.json found; incremental, its build info in ${CACHE_DIR} (per worktree); tagged slow: runs in pre-push and \`heph run\`, not in pre-commit`);
    quality.push({ name: 'tsc', description: 'Type-check the project (tagged slow: pre-push and `heph run`, not pre-commit).', run: x('tsc', `--noEmit --incremental --tsBuildInfoFile ${cacheFile('tsconfig.tsbuildinfo')} -p tsconfig.json`), shell: true, inputs: [CODE, '*.json'], tags: ['slow'], tools: [...via, dep('tsc')] });
  }
  const test = pkg.scripts?.test;
  if (test && !NPM_DEFAULT_TEST.test(test)) {
    quality.push({ name: 'test', description: 'The test script (tagged test: skipped in pre-commit and by --skip-tests).', run: cmd.test, tags: ['test'], tools: [system(pmName)] });
  } else notes.push('no test script: no test check');

  return { preset: 'node', checks: { environment, dependencies, quality, platform: [macosCruft] }, notes };
}
