/**
 * `heph init [--preset python|node] [--missing keep|skip|installed] [--force]`:
 * write a starter `.heph.json` for the repository, from the presets its files
 * call for, saying what each check needs that is not installed and what
 * other hook managers the repository already has.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { findRepo } from '../git/repo.js';
import { git } from '../git/exec.js';
import { CONFIG_NAME, configPath } from './context.js';
import { list } from './options.js';
import { detectPresets, diskProbe, missingTools, presetParts, PRESETS, renderConfig, starterConfig, type PresetName } from '../config/presets/index.js';
import { DEFAULT_MISSING, describeChoice, MISSING_CHOICES, type Missing, type MissingChoice } from '../config/presets/missing.js';
import { detectHookManagers, hookManagerLines } from '../config/presets/managers.js';
import { validateConfig } from '../config/validate.js';
import { formatProblems } from '../config/load.js';
import { packageRoot } from '../paths.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';
import { detectTools } from '../migrate/detect.js';
import { shortConfig } from '../config/sets.js';
import { checkConfigTarget, writeConfigFile } from './init-file.js';

export interface InitFlags {
  preset?: string | string[];
  missing?: string;
  force?: boolean;
  /** Convert another hook tool's configuration (lib/migrate/). */
  from?: string;
  /** Write `{"extends": ["heph:<preset>"]}` instead of the checks themselves. */
  extends?: boolean;
}

function requested(flag: InitFlags['preset']): PresetName[] | null {
  if (flag === undefined) return null;
  const names = list(flag) ?? [];
  const bad = names.filter((n) => !PRESETS.includes(n as PresetName));
  if (bad.length || !names.length) {
    throw new HephError('usage', `unknown preset ${bad.length ? `"${bad.join('", "')}"` : '(none given)'}`, `presets: ${PRESETS.join(', ')} (both: --preset python,node)`);
  }
  return [...new Set(names as PresetName[])];
}

function missingFlag(flag: InitFlags['missing']): MissingChoice | null {
  if (flag === undefined) return null;
  if (!MISSING_CHOICES.includes(flag as MissingChoice)) throw new HephError('usage', `--missing ${JSON.stringify(String(flag))} is not one of ${MISSING_CHOICES.join(', ')}`, `heph init --missing skip (the default without a terminal) leaves out the checks whose tool is not installed`);
  return flag as MissingChoice;
}

/**
 * The `$schema` to write: the schema.json of the heph this repository
 * installs, or of the running heph when it lives inside the repository.
 */
function schemaRef(root: string): string | null {
  if (existsSync(join(root, 'node_modules/heph/schema.json'))) return './node_modules/heph/schema.json';
  const own = join(packageRoot(), 'schema.json');
  const rel = relative(root, own);
  return existsSync(own) && rel && !rel.startsWith('..') && !isAbsolute(rel) ? `./${rel.split('\\').join('/')}` : null;
}

/** One question per check whose tool is missing, on the terminal heph was started from; end of input answers the default. */
async function askEach(missing: Missing[]): Promise<Map<string, MissingChoice>> {
  const { createInterface } = await import('node:readline');
  // Line mode, read through the iterator: answers typed ahead are queued, not lost.
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const answers = new Map<string, MissingChoice>();
  try {
    for (const m of missing) {
      const alt = m.check.alternative;
      const q = `${m.id} needs ${m.tool.name}, which is not installed. [s]kip it, [k]eep it (it fails until ${m.tool.name} is installed)${alt ? `, [u]se ${alt.name} (installed)` : ''}? [s] `;
      for (;;) {
        process.stdout.write(q);
        const next = await lines.next();
        const a = next.done ? '' : String(next.value).trim().toLowerCase();
        const choice: MissingChoice | null = a === '' || a[0] === 's' ? 'skip' : a[0] === 'k' ? 'keep' : a[0] === 'u' && alt ? 'installed' : null;
        if (choice) {
          answers.set(m.id, choice);
          break;
        }
      }
    }
  } finally {
    rl.close();
  }
  return answers;
}

export async function initCommand(flags: InitFlags, out: Output): Promise<number> {
  const presets = requested(flags.preset);
  const flagChoice = missingFlag(flags.missing);
  const repo = await findRepo();
  const file = configPath(repo);
  const shown = relative(process.cwd(), file) || file;
  if (checkConfigTarget(file, shown) && !flags.force) {
    throw new HephError('usage', `${shown} already exists; heph init leaves it as it is`, 'heph init --force overwrites it (commit or copy it first to keep it)');
  }
  if (flags.from !== undefined) return (await import('../migrate/command.js')).initFrom(repo.root, String(flags.from), file, shown, out);
  const probe = diskProbe(repo.root);
  const chosen = presets ?? detectPresets(probe);
  if (!chosen.length) {
    throw new HephError(
      'usage',
      `heph init found no Python project (pyproject.toml, uv.lock, requirements*.txt) and no Node project (package.json) in ${repo.root}`,
      ['choose a preset: heph init --preset python, or --preset node', ...detectTools(repo.root).map((t) => `or convert ${t}'s configuration: heph init --from ${t}`)].join('; '),
    );
  }
  const parts = presetParts(probe, chosen);
  const missing = missingTools(probe, parts);
  const interactive = !flagChoice && missing.length > 0 && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const answers = interactive ? await askEach(missing) : new Map<string, MissingChoice>();
  const choose = (m: Missing) => answers.get(m.id) ?? flagChoice ?? DEFAULT_MISSING;
  const { config: starter, decisions, pending } = starterConfig(probe, parts, { choose, schema: schemaRef(repo.root) });
  // A workspace: a config per member, the root keeping what concerns the whole repository.
  const workspace = flags.extends ? null : await (await import('./init-workspace.js')).planWorkspace(repo.root, choose);
  const config = workspace ? (await import('./init-workspace.js')).rootOfWorkspace(starter, workspace) : starter;
  const problems = validateConfig(config);
  if (problems.length) throw new HephError('internal', `the ${chosen.join(' + ')} preset made an invalid config:\n${formatProblems(file, problems)}`);
  writeConfigFile(file, shown, renderConfig(flags.extends ? shortConfig(config, chosen) : config));

  const phases = config.phases as { name: string; checks: { name: string }[] }[];
  const count = phases.reduce((n, p) => n + p.checks.length, 0);
  out.line(`wrote ${shown}: ${flags.extends ? `"extends": ${JSON.stringify(chosen.map((n) => `heph:${n}`))}, today ` : ''}${chosen.join(' + ')} preset${chosen.length > 1 ? 's' : ''}${presets ? '' : ' (detected)'}, ${count} checks`);
  for (const p of phases) out.line(`  ${p.name.padEnd(13)}${p.checks.map((c) => c.name).join(', ')}`);
  for (const part of parts) for (const n of part.notes) out.line(`  ${part.preset}: ${n}`);
  if (workspace) (await import('./init-workspace.js')).writeMembers(repo.root, workspace, (l) => out.line(l));
  if (!config.$schema) out.line(`  $schema: not written, heph is not installed in this repository (npm install --save-dev heph gives editors ./node_modules/heph/schema.json)`);
  if (decisions.length) out.line('missing tools:');
  for (const d of decisions) out.line(`  ${describeChoice(d.missing, d.choice)}`);
  if (pending.length) out.line(`  not installed yet, they come with the dependency install: ${pending.join(', ')}`);
  const managers = detectHookManagers(probe);
  if (managers.length) out.line('other hook managers:');
  for (const line of hookManagerLines(managers)) out.line(`  ${line}`);
  // A `.*` rule in .gitignore would keep the file out of every commit, silently.
  const ignored = (await git(['check-ignore', '-q', '--', CONFIG_NAME], { cwd: repo.root, okCodes: [1] })).code === 0;
  if (ignored) out.warn(`${CONFIG_NAME} is ignored by a .gitignore rule: add it with \`git add -f ${CONFIG_NAME}\`, or add \`!${CONFIG_NAME}\` to .gitignore`);
  out.line('next: `heph install` puts the git hooks in place; `heph run --dry-run` shows what would run');
  return EXIT.ok;
}
