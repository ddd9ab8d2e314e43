/**
 * `heph init`'s presets: detection, and the starter `.heph.json` they make
 * together (a repository can be both Python and Node).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onPath } from '../../paths.js';
import { isPython, pythonPreset } from './python.js';
import { isNode, nodePreset } from './node.js';
import { applyChoice, missingTool, pendingTools, type Missing, type MissingChoice } from './missing.js';
import type { PhaseName, PresetCheck, PresetPart, Probe } from './types.js';

export const PRESETS = ['python', 'node'] as const;
export type PresetName = (typeof PRESETS)[number];

const PHASES: PhaseName[] = ['environment', 'dependencies', 'quality', 'platform'];

export function diskProbe(root: string): Probe {
  return {
    has: (rel) => existsSync(join(root, rel)),
    read: (rel) => {
      try {
        return readFileSync(join(root, rel), 'utf8');
      } catch {
        return null;
      }
    },
    rootNames: () => readdirSync(root),
    onPath: (cmd) => onPath(cmd, root),
  };
}

export function detectPresets(p: Probe): PresetName[] {
  return PRESETS.filter((n) => (n === 'python' ? isPython(p) : isNode(p)));
}

export interface Starter {
  config: Record<string, unknown>;
  parts: PresetPart[];
  /** Checks whose tool is missing, and what was chosen for each. */
  decisions: { missing: Missing; choice: MissingChoice }[];
  /** Dependency tools not installed yet (they come with the install). */
  pending: string[];
}

export interface StarterOptions {
  /** What to do with a check whose tool is missing. @default keep */
  choose?: (m: Missing) => MissingChoice;
  /** The `$schema` to write, relative to the repository root; null for none. */
  schema?: string | null;
}

/** Every check the presets would write, phase by phase (shared checks once), with its id: what `init` asks about. */
export function presetChecks(parts: PresetPart[]): { phase: PhaseName; checks: PresetCheck[] }[] {
  return PHASES.map((phase) => {
    const checks: PresetCheck[] = [];
    for (const part of parts) for (const c of part.checks[phase] ?? []) if (!checks.some((k) => k.name === c.name)) checks.push(c);
    return { phase, checks };
  });
}

export function presetParts(p: Probe, presets: PresetName[]): PresetPart[] {
  return presets.map((n) => (n === 'python' ? pythonPreset(p) : nodePreset(p)));
}

/** The missing tools of every check, in the order init asks about them. */
export function missingTools(p: Probe, parts: PresetPart[]): Missing[] {
  return presetChecks(parts).flatMap(({ phase, checks }) =>
    checks.flatMap((check) => {
      const tool = missingTool(p, check);
      return tool ? [{ id: `${phase}/${check.name}`, check, tool }] : [];
    }),
  );
}

/** The starter config of the given presets: their checks phase by phase, and the default hooks. */
export function starterConfig(p: Probe, presets: PresetName[] | PresetPart[], opts: StarterOptions = {}): Starter {
  const parts = presets.map((x) => (typeof x === 'string' ? presetParts(p, [x])[0]! : x));
  const decisions: Starter['decisions'] = [];
  const all: PresetCheck[] = [];
  const phases = presetChecks(parts)
    .map(({ phase, checks }) => {
      const kept = checks.flatMap((check) => {
        all.push(check);
        const tool = missingTool(p, check);
        if (!tool) return [check];
        const missing = { id: `${phase}/${check.name}`, check, tool };
        const choice = opts.choose?.(missing) ?? 'keep';
        decisions.push({ missing, choice });
        const chosen = applyChoice(check, choice);
        return chosen ? [chosen] : [];
      });
      return { name: phase, checks: kept.map(({ tools: _t, alternative: _a, ...c }) => c) };
    })
    .filter((ph) => ph.checks.length);
  const tagged = (tag: string) => phases.some((ph) => ph.checks.some((c) => c.tags?.includes(tag)));
  const installTag = tagged('install');
  const config: Record<string, unknown> = {
    ...(opts.schema ? { $schema: opts.schema } : {}),
    phases,
    hooks: {
      // Whole-project checks (tagged slow) wait for the push: a commit checks the staged files.
      'pre-commit': { mode: 'fast', skipTags: ['test', ...(tagged('slow') ? ['slow'] : []), ...(installTag ? ['install'] : [])] },
      'pre-push': { mode: 'full', ...(installTag ? { skipTags: ['install'] } : {}) },
      // Without a dependencies phase, git's checkouts and merges have nothing to re-sync.
      ...(phases.some((ph) => ph.name === 'dependencies') ? { 'post-checkout': { phases: ['dependencies'] }, 'post-merge': { phases: ['dependencies'] } } : {}),
    },
  };
  return { config, parts, decisions, pending: pendingTools(p, all) };
}

/** The file's text: two-space JSON, keys in the order the presets wrote them, short lists on one line. */
export function renderConfig(config: Record<string, unknown>): string {
  const render = (v: unknown, indent: string): string => {
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x !== 'object' || x === null)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      const inner = indent + '  ';
      return `[\n${v.map((x) => inner + render(x, inner)).join(',\n')}\n${indent}]`;
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      if (!entries.length) return '{}';
      const inner = indent + '  ';
      return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return render(config, '') + '\n';
}
