/**
 * `heph config --resolved [--json]`: the configuration heph runs with, after
 * `extends` is merged, and which file each check (and each of its keys) came from;
 * then each member (a directory with its own `.heph.json`) and its checks.
 */
import { existsSync } from 'node:fs';
import { findRepo } from '../git/repo.js';
import { configPath, CONFIG_NAME } from './context.js';
import { loadConfig } from '../config/load.js';
import type { CheckOrigin } from '../config/merge.js';
import { discoverMembers, withMembers } from '../config/members.js';
import { memberViews, printMembers } from './config-members.js';
import type { Output } from '../report/output.js';
import { EXIT, HephError } from '../errors.js';

export interface ConfigFlags {
  resolved?: boolean;
  json?: boolean;
}

/** "from X" or "from X; ttl, tags from Y": which layer set what. */
export function describeOrigin(o: CheckOrigin): string {
  const by = new Map<string, string[]>();
  for (const [key, layer] of Object.entries(o.keys)) if (layer !== o.definedBy && key !== 'name') by.set(layer, [...(by.get(layer) ?? []), key]);
  return [`from ${o.definedBy}`, ...[...by].map(([layer, keys]) => `${keys.join(', ')} from ${layer}`)].join('; ');
}

export async function configCommand(flags: ConfigFlags, out: Output): Promise<number> {
  if (!flags.resolved) throw new HephError('usage', 'heph config needs --resolved', 'heph config --resolved prints the merged configuration and where each check came from');
  const repo = await findRepo();
  const file = configPath(repo);
  if (!existsSync(file)) throw new HephError('config', `no ${CONFIG_NAME} in ${repo.root}`, 'run `heph init` to write one for this repository');
  const root = loadConfig(file, true);
  const sources = root.sources!;
  const members = memberViews(withMembers(repo.root, root, await discoverMembers(repo.root)));
  if (flags.json) {
    out.data({ version: 1, layers: sources.layers, config: sources.merged, origins: sources.origins, removed: sources.removed, members });
    return EXIT.ok;
  }
  // The merged file as JSON, each check preceded by a comment saying where it came from.
  const { merged } = sources;
  out.line(`// ${CONFIG_NAME} resolved from ${sources.layers.join(' < ')} (later wins)`);
  for (const r of sources.removed) out.line(`// ${r.id} removed by ${r.by} ("enabled": false)`);
  out.line('{');
  if (merged.settings) out.line(`  "settings": ${JSON.stringify(merged.settings)},`);
  out.line('  "phases": [');
  merged.phases.forEach((p: { name: string; checks: Record<string, unknown>[] }, i: number) => {
    out.line(`    { "name": ${JSON.stringify(p.name)}, "checks": [`);
    p.checks.forEach((c, j) => {
      out.line(`      // ${p.name}/${c.name}: ${describeOrigin(sources.origins[`${p.name}/${c.name}`])}`);
      out.line(`      ${JSON.stringify(c)}${j < p.checks.length - 1 ? ',' : ''}`);
    });
    out.line(`    ]}${i < merged.phases.length - 1 ? ',' : ''}`);
  });
  out.line(`  ]${merged.hooks ? ',' : ''}`);
  if (merged.hooks) out.line(`  "hooks": ${JSON.stringify(merged.hooks)}`);
  out.line('}');
  printMembers(members, describeOrigin, out);
  return EXIT.ok;
}
