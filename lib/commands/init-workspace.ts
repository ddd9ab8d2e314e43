/**
 * `heph init` in a workspace (npm/yarn `workspaces`, `pnpm-workspace.yaml`, a
 * uv `[tool.uv.workspace]`): the root config keeps what concerns the whole
 * repository (environment, the one lockfile), and each member gets a
 * `.heph.json` with the quality checks its own files call for, so a commit
 * costs only the members it touches (docs/monorepos.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, splitZ } from '../git/exec.js';
import { compileGlobs } from '../util/glob.js';
import { detectPresets, diskProbe, renderConfig, starterConfig, type StarterOptions } from '../config/presets/index.js';
import { occupied, writeConfigFile } from './init-file.js';

type Raw = Record<string, unknown> & { phases: { name: string; checks: unknown[] }[] };

const read = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return null;
  }
};

/** Strings of a TOML or YAML inline list: `["a/*", 'b']`. */
const quoted = (s: string) => [...s.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]);

/** The member globs each workspace manager declares, with the manifest that marks a member. */
export function workspaceGlobs(root: string): { tool: string; globs: string[]; manifest: string }[] {
  const found: { tool: string; globs: string[]; manifest: string }[] = [];
  const pkg = read(join(root, 'package.json'));
  if (pkg) {
    try {
      const ws = (JSON.parse(pkg) as { workspaces?: string[] | { packages?: string[] } }).workspaces;
      const globs = Array.isArray(ws) ? ws : ws?.packages;
      if (globs?.length) found.push({ tool: existsSync(join(root, 'yarn.lock')) ? 'yarn workspaces' : 'npm workspaces', globs, manifest: 'package.json' });
    } catch {
      /* not JSON: no workspaces */
    }
  }
  const pnpm = read(join(root, 'pnpm-workspace.yaml'));
  if (pnpm) {
    const block = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(pnpm)?.[1] ?? '';
    const globs = block.split('\n').map((l) => l.replace(/^\s*-\s*/, '').replace(/^["']|["']\s*$/g, '').trim()).filter(Boolean);
    if (globs.length) found.push({ tool: 'pnpm workspace', globs, manifest: 'package.json' });
  }
  const py = read(join(root, 'pyproject.toml'));
  const uv = py && /^\[tool\.uv\.workspace\]\s*\n([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(py)?.[1];
  if (uv) {
    const members = /^members\s*=\s*\[([\s\S]*?)\]/m.exec(uv)?.[1];
    const exclude = /^exclude\s*=\s*\[([\s\S]*?)\]/m.exec(uv)?.[1];
    if (members) found.push({ tool: 'uv workspace', globs: [...quoted(members), ...(exclude ? quoted(exclude).map((g) => `!${g}`) : [])], manifest: 'pyproject.toml' });
  }
  return found;
}

export interface WorkspacePlan {
  tool: string;
  /** Every member's directory. */
  all: string[];
  /** The members that get a config (all of them when the plan splits, none when the root keeps everything). */
  members: { dir: string; config: Raw; presets: string[] }[];
}

/** Member directories: those git lists a manifest in, matching the workspace's globs (never the disk). */
export async function planWorkspace(root: string, choose?: StarterOptions['choose']): Promise<WorkspacePlan | null> {
  const kinds = workspaceGlobs(root);
  if (!kinds.length) return null;
  const res = await git(['-c', 'core.quotePath=false', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  const files = splitZ(res.stdout);
  const dirs = new Set<string>();
  for (const k of kinds) {
    const match = compileGlobs(k.globs.map((g) => g.replace(/^(!?)\.\//, '$1').replace(/\/$/, '')));
    for (const f of files) {
      if (!f.endsWith(`/${k.manifest}`)) continue;
      const dir = f.slice(0, -k.manifest.length - 1);
      if (match(dir)) dirs.add(dir);
    }
  }
  const members: WorkspacePlan['members'] = [];
  const all = [...dirs].sort();
  for (const dir of all) {
    if (occupied(join(root, dir, '.heph.json'))) continue; // the member's own, or a link heph init does not write through
    const probe = diskProbe(join(root, dir));
    // A member's lockfile is the root's: it is detected by its manifest alone.
    const presets = detectPresets({ ...probe, has: (rel) => probe.has(rel) || (['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'uv.lock'].includes(rel) && existsSync(join(root, rel))) }).filter((n) =>
      probe.has(n === 'python' ? 'pyproject.toml' : 'package.json'),
    );
    if (!presets.length) continue;
    const { config } = starterConfig(probe, presets, { choose });
    const phases = (config.phases as Raw['phases']).filter((p) => p.name === 'quality');
    if (!phases.length) continue;
    members.push({ dir, presets, config: { phases } as Raw });
  }
  const tool = kinds.map((k) => k.tool).join(' + ');
  if (!all.length) return null;
  // Split only when every member has checks of its own: where lint and tests run from the root
  // (members declaring none), a member config would take its files away from the root's checks.
  return { tool, all, members: members.length === all.length ? members : [] };
}

/** The root config without the checks the members now hold (its quality phase goes to them). */
export function rootOfWorkspace(config: Record<string, unknown>, plan: WorkspacePlan): Record<string, unknown> {
  if (!plan.members.length) return config;
  const phases = (config.phases as Raw['phases']).filter((p) => p.name !== 'quality');
  return phases.length ? { ...config, phases } : config;
}

export function writeMembers(root: string, plan: WorkspacePlan, line: (s: string) => void): void {
  if (!plan.members.length) {
    line(`${plan.tool}: ${plan.all.length} member${plan.all.length === 1 ? '' : 's'}, not all with checks of their own (lint and tests run from the root): one root config for the whole repository (docs/monorepos.md tells how to split it)`);
    return;
  }
  line(`${plan.tool}: a .heph.json per member (its quality checks, run in its directory), the root one keeps the environment and dependency checks:`);
  for (const m of plan.members) {
    writeConfigFile(join(root, m.dir, '.heph.json'), `${m.dir}/.heph.json`, renderConfig(m.config));
    const names = m.config.phases.flatMap((p) => (p.checks as { name: string }[]).map((c) => c.name));
    line(`  ${m.dir}/.heph.json: ${m.presets.join(' + ')}, ${names.join(', ')}`);
  }
}
