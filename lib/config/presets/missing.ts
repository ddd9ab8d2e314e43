/**
 * Tools a starter config would call that are not installed. A check whose
 * tool comes with the dependency install (eslint in devDependencies) is only
 * pending; one needing a program from PATH that is not there gets a choice:
 * keep it (it fails until the tool is installed), skip it, or use the
 * installed alternative the preset offers (black for ruff's formatter).
 */
import type { PresetCheck, Probe, Tool } from './types.js';

export const MISSING_CHOICES = ['keep', 'skip', 'installed'] as const;
export type MissingChoice = (typeof MISSING_CHOICES)[number];
/** Without a terminal and without --missing: a written config runs on this machine, and nothing is swapped in unasked. */
export const DEFAULT_MISSING: MissingChoice = 'skip';

export interface Missing {
  /** `phase/name`. */
  id: string;
  check: PresetCheck;
  tool: Tool;
}

export function isInstalled(p: Probe, tool: Tool): boolean {
  return p.onPath(tool.name) || p.has(`node_modules/.bin/${tool.name}`);
}

/** The first tool of the check that is missing from the system (dependency tools arrive with the install). */
export function missingTool(p: Probe, check: PresetCheck): Tool | null {
  return check.tools?.find((t) => t.from === 'system' && !isInstalled(p, t)) ?? null;
}

/** Dependency tools not installed yet, by name: said once, not asked about. */
export function pendingTools(p: Probe, checks: PresetCheck[]): string[] {
  return [...new Set(checks.flatMap((c) => c.tools ?? []).filter((t) => t.from === 'install' && !isInstalled(p, t)).map((t) => t.name))];
}

/** What a choice does to a check: the check to write, or null to leave it out. */
export function applyChoice(check: PresetCheck, choice: MissingChoice): PresetCheck | null {
  if (choice === 'keep') return check;
  if (choice === 'installed' && check.alternative) return check.alternative;
  return null;
}

export function describeChoice(m: Missing, choice: MissingChoice): string {
  const what = applyChoice(m.check, choice);
  if (what === m.check) return `${m.id}: ${m.tool.name} is not installed (not on PATH): kept, it fails until ${m.tool.name} is installed`;
  if (what) return `${m.id}: ${m.tool.name} is not installed (not on PATH): replaced by ${what.name} (\`${what.run}\`), which is installed`;
  const alt = m.check.alternative ? `; --missing installed would use ${m.check.alternative.name} instead` : '';
  return `${m.id}: ${m.tool.name} is not installed (not on PATH): left out (install ${m.tool.name} and run heph init --force, or --missing keep, to keep it${alt})`;
}
