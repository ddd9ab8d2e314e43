/**
 * `heph init`'s presets: detection, and the starter `.heph.json` they make
 * together (a repository can be both Python and Node).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onPath } from '../../paths.js';
import { isPython, pythonPreset } from './python.js';
import { isNode, nodePreset } from './node.js';
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
}

/** The starter config of the given presets: their checks phase by phase (shared checks once), and the default hooks. */
export function starterConfig(p: Probe, presets: PresetName[]): Starter {
  const parts = presets.map((n) => (n === 'python' ? pythonPreset(p) : nodePreset(p)));
  const phases = PHASES.map((name) => {
    const checks: PresetCheck[] = [];
    for (const part of parts) for (const c of part.checks[name] ?? []) if (!checks.some((k) => k.name === c.name)) checks.push(c);
    return { name, checks };
  }).filter((ph) => ph.checks.length);
  const installTag = phases.some((ph) => ph.checks.some((c) => c.tags?.includes('install')));
  const config: Record<string, unknown> = {
    ...(p.has('node_modules/heph/schema.json') ? { $schema: './node_modules/heph/schema.json' } : {}),
    phases,
    hooks: {
      'pre-commit': { mode: 'fast', skipTags: ['test', ...(installTag ? ['install'] : [])] },
      'pre-push': { mode: 'full', ...(installTag ? { skipTags: ['install'] } : {}) },
      // Without a dependencies phase, git's checkouts and merges have nothing to re-sync.
      ...(phases.some((ph) => ph.name === 'dependencies') ? { 'post-checkout': { phases: ['dependencies'] }, 'post-merge': { phases: ['dependencies'] } } : {}),
    },
  };
  return { config, parts };
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
