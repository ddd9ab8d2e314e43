/**
 * `heph init --from <tool>`: converting another hook tool's configuration
 * into a `.heph.json`, with an account of what was and was not converted.
 * Loaded only by `heph init --from` (it carries the YAML parser).
 */
import { HephError } from '../errors.js';
import { migrateLefthook } from './lefthook.js';
import { migrateLintStaged } from './lintstaged.js';
import { migratePreCommit } from './precommit.js';
import { migratedConfig, newMigration, type Migration } from './result.js';
import { migrateHusky, migrateSimpleGitHooks } from './scripts.js';
import { TOOLS, type Tool } from './detect.js';


const RUN: Record<Tool, (root: string, m: Migration) => boolean> = {
  'pre-commit': migratePreCommit,
  lefthook: migrateLefthook,
  'lint-staged': (root, m) => migrateLintStaged(root, m),
  husky: migrateHusky,
  'simple-git-hooks': migrateSimpleGitHooks,
};

const WHERE: Record<Tool, string> = {
  'pre-commit': '.pre-commit-config.yaml',
  lefthook: 'lefthook.yml (or .lefthook.yml, lefthook.yaml, .config/lefthook.yml)',
  'lint-staged': 'a "lint-staged" key in package.json or a .lintstagedrc* / lint-staged.config.* file',
  husky: '.husky/ (or "husky" in package.json)',
  'simple-git-hooks': 'a "simple-git-hooks" key in package.json or a .simple-git-hooks.* file',
};

export function parseTool(name: string): Tool {
  if (!(TOOLS as readonly string[]).includes(name)) throw new HephError('usage', `heph init --from: unknown tool "${name}"`, `one of: ${TOOLS.join(', ')}`);
  return name as Tool;
}

export function migrate(root: string, tool: Tool): { config: Record<string, unknown>; migration: Migration } {
  const m = newMigration(tool);
  if (!RUN[tool](root, m)) throw new HephError('usage', `heph init --from ${tool}: no ${tool} configuration found in ${root}`, `${tool} keeps it in ${WHERE[tool]}`);
  const config = migratedConfig(m);
  if (!(config.phases as unknown[]).length) {
    throw new HephError('usage', `heph init --from ${tool}: nothing in ${m.sources.join(', ')} could be converted`, report(m).join('\n'));
  }
  return { config, migration: m };
}

/** What `heph init --from` prints after writing the file. */
export function report(m: Migration): string[] {
  const out = [`read ${m.sources.join(', ')}`];
  out.push(`converted (${m.converted.length}):`, ...m.converted.map((c) => `  ${c}`));
  if (m.skipped.length) out.push(`not converted (${m.skipped.length}):`, ...m.skipped.map((s) => `  ${s.what}: ${s.why}`));
  if (m.notes.length) out.push('check these:', ...m.notes.map((n) => `  ${n}`));
  out.push(`to remove ${m.tool} once heph works for you:`, ...[...new Set(m.removal)].map((r) => `  ${r}`), '  then: heph install');
  return out;
}
