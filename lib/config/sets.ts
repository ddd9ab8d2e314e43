/**
 * The sets built into heph (`"extends": ["heph:python"]`): the presets `heph
 * init` writes, computed from the repository when the config loads, so an
 * upgrade of heph improves every repository that extends them.
 */
import { diskProbe, PRESETS, starterConfig, type PresetName } from './presets/index.js';

export const BUILTIN_SETS: readonly string[] = PRESETS;

export function builtinSet(name: string, root: string): Record<string, unknown> {
  const { config } = starterConfig(diskProbe(root), [name as PresetName]);
  const { $schema: _, ...set } = config;
  return set;
}

/** `heph init --extends`: a file that only extends the built-in sets (whose checks `config` lists today). */
export function shortConfig(config: Record<string, unknown>, presets: string[]): Record<string, unknown> {
  return { ...(config.$schema ? { $schema: config.$schema } : {}), extends: presets.map((p) => `heph:${p}`) };
}
