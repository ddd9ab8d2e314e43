/**
 * Loading a config that extends others: collect the layers (depth first, each
 * set's own `extends` before it, the repository's file last), validate each,
 * merge them, validate the result, and remember where each check came from.
 */
import { chainError, resolveEntry, shownPath, type Source } from './extends.js';
import { mergeLayers, sourceOf, type CheckOrigin } from './merge.js';
import { resolveConfig } from './resolve.js';
import type { ResolvedConfig } from './types.js';
import { validateConfig } from './validate.js';
import { dirname } from 'node:path';
import { realpathSync } from 'node:fs';

const realFile = (f: string) => {
  try {
    return realpathSync(f);
  } catch {
    return f;
  }
};

/* eslint-disable @typescript-eslint/no-explicit-any -- validated here */
type Raw = any;

/** What `heph config --resolved` shows besides the merged config. */
export interface ConfigSources {
  /** Every layer, lowest precedence first; the repository's file last. */
  layers: string[];
  origins: Record<string, CheckOrigin>;
  removed: { id: string; by: string }[];
  /** The merged config, without `extends`: a valid `.heph.json` on its own. */
  merged: Raw;
}

/** @param root where paths are shown from (a member's file is named from the repository root). @default the file's directory */
export function loadLayered(raw: Raw, file: string, parse: (text: string, file: string) => Raw, root = dirname(file)): ResolvedConfig {
  const own = shownPath(root, file);
  const layers: Source[] = [];
  /** Sets already merged: one reached twice (a diamond) is merged once, where it first appears. */
  const seen = new Set<string>();
  /** The files from the repository's down to the one being read: one met again is a cycle. */
  const layersOnChain: string[] = [realFile(file)];

  const visit = (src: Source, chain: string[]) => {
    for (const entry of src.raw.extends ?? []) {
      let child: Source;
      try {
        // A built-in set looks at the files beside the config that names it (a member's own directory).
        child = resolveEntry(entry, src.file, entry.startsWith('heph:') ? dirname(file) : root, parse);
      } catch (e) {
        throw chainError([...chain, entry], (e as Error).message.replace(/^Error: /, ''));
      }
      const at = [...chain, child.label];
      if (layersOnChain.includes(child.file)) throw chainError(at, `extends cycle: ${child.label} extends itself through this chain`);
      if (seen.has(child.file)) continue;
      if (!child.raw || typeof child.raw !== 'object' || Array.isArray(child.raw)) throw chainError(at, `${child.label} is not a heph config: expected an object, found ${Array.isArray(child.raw) ? 'an array' : typeof child.raw}`);
      const problems = validateConfig(child.raw, { partial: true });
      if (problems.length) throw chainError(at, `${child.label} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, problems);
      layersOnChain.push(child.file);
      visit(child, at);
      layersOnChain.pop();
      seen.add(child.file);
      layers.push(child);
    }
  };
  const ownSource: Source = { label: own, file, raw };
  visit(ownSource, [own]);
  layers.push(ownSource);

  const { raw: merged, origins, removed } = mergeLayers(layers.map((l) => ({ label: l.label, raw: l.raw })));
  const problems = validateConfig(merged);
  for (const p of merged.phases) {
    p.checks.forEach((c: Raw, j: number) => {
      if (c.run === undefined) {
        const id = `${p.name}/${c.name}`;
        const setters = [...new Set(Object.values(origins.get(id)?.keys ?? {}))].join(', ');
        const i = problems.findIndex((x) => x.path === `phases[${merged.phases.indexOf(p)}].checks[${j}].run`);
        if (i >= 0) problems[i] = { ...problems[i], path: `${id}.run`, hint: `no layer sets it; ${setters} only override other keys` };
      }
    });
  }
  if (problems.length) throw chainError(layers.map((l) => l.label), `the configuration merged from ${layers.length} files is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, problems);

  const config = resolveConfig(merged, file);
  for (const phase of config.phases) for (const c of phase.checks) c.source = sourceOf(origins.get(c.id)!, own);
  config.sources = { layers: layers.map((l) => l.label), origins: Object.fromEntries(origins), removed, merged };
  return config;
}
