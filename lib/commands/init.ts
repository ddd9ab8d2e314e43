/**
 * `heph init [--preset python|node] [--force]`: write a starter `.heph.json`
 * for the repository, from the presets its files call for, with only the
 * tools it declares or has on PATH.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { findRepo } from '../git/repo.js';
import { configPath } from './context.js';
import { list } from './options.js';
import { detectPresets, diskProbe, PRESETS, renderConfig, starterConfig, type PresetName } from '../config/presets/index.js';
import { validateConfig } from '../config/validate.js';
import { formatProblems } from '../config/load.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';
import { detectTools } from '../migrate/detect.js';
import { shortConfig } from '../config/sets.js';

export interface InitFlags {
  preset?: string | string[];
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

export async function initCommand(flags: InitFlags, out: Output): Promise<number> {
  const presets = requested(flags.preset);
  const repo = await findRepo();
  const file = configPath(repo);
  const shown = relative(process.cwd(), file) || file;
  if (existsSync(file) && !flags.force) {
    throw new HephError('usage', `${shown} already exists; heph init leaves it as it is`, 'heph init --force overwrites it (commit or copy it first to keep it)');
  }
  if (flags.from !== undefined) return (await import('../migrate/command.js')).initFrom(repo.root, String(flags.from), file, shown, out);
  const probe = diskProbe(repo.root);
  const chosen = presets ?? detectPresets(probe);
  if (!chosen.length) {
    throw new HephError(
      'usage',
      `heph init found no Python project (pyproject.toml, uv.lock, requirements*.txt) and no Node project (package.json with package-lock.json, pnpm-lock.yaml or yarn.lock) in ${repo.root}`,
      ['choose a preset: heph init --preset python, or --preset node', ...detectTools(repo.root).map((t) => `or convert ${t}'s configuration: heph init --from ${t}`)].join('; '),
    );
  }
  const starter = starterConfig(probe, chosen);
  const { parts } = starter;
  // A workspace: a config per member, the root keeping what concerns the whole repository.
  const workspace = flags.extends ? null : await (await import('./init-workspace.js')).planWorkspace(repo.root);
  const config = workspace ? (await import('./init-workspace.js')).rootOfWorkspace(starter.config, workspace) : starter.config;
  const problems = validateConfig(config);
  if (problems.length) throw new HephError('internal', `the ${chosen.join(' + ')} preset made an invalid config:\n${formatProblems(file, problems)}`);
  writeFileSync(file, renderConfig(flags.extends ? shortConfig(config, chosen) : config));

  const phases = config.phases as { name: string; checks: { name: string }[] }[];
  const count = phases.reduce((n, p) => n + p.checks.length, 0);
  out.line(`wrote ${shown}: ${flags.extends ? `"extends": ${JSON.stringify(chosen.map((n) => `heph:${n}`))}, today ` : ''}${chosen.join(' + ')} preset${chosen.length > 1 ? 's' : ''}${presets ? '' : ' (detected)'}, ${count} checks`);
  for (const p of phases) out.line(`  ${p.name.padEnd(13)}${p.checks.map((c) => c.name).join(', ')}`);
  for (const part of parts) for (const n of part.notes) out.line(`  ${part.preset}: ${n}`);
  if (workspace) (await import('./init-workspace.js')).writeMembers(repo.root, workspace, (l) => out.line(l));
  out.line('next: `heph install` puts the git hooks in place; `heph run --dry-run` shows what would run');
  for (const tool of detectTools(repo.root)) out.line(`found a ${tool} configuration: \`heph init --from ${tool} --force\` converts it instead`);
  return EXIT.ok;
}
