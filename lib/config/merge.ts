/**
 * Merging `extends` layers into one raw config. Layers come in order of
 * precedence, lowest first (the repository's own file last). The rules, as
 * docs/configuration.md states them:
 * - settings: key by key, nested objects (logs) too; a later value replaces;
 * - phases: by name; a phase new in a layer goes after the phase listed
 *   before it in that layer (else before the one listed after it, else where
 *   heph's usual order environment, dependencies, quality, platform puts it,
 *   else last);
 * - checks: by `phase/name`, in order of first appearance; a later entry
 *   replaces the keys it sets (arrays are replaced, not joined);
 *   `"enabled": false` removes the check;
 * - hooks: by event, key by key.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- layers are validated before merging */
type Raw = any;

export interface MergeLayer {
  /** How the layer is named to users: `.heph.json`, `ci/base.json`, `@acme/checks@1.2.0`, `heph:python@0.2.0`. */
  label: string;
  raw: Raw;
}

/** Where a merged check came from. */
export interface CheckOrigin {
  /** The layer that first defined the check. */
  definedBy: string;
  /** The layer each key's value comes from. */
  keys: Record<string, string>;
}

export interface Merged {
  raw: Raw;
  origins: Map<string, CheckOrigin>;
  /** Checks removed with `"enabled": false`, and by which layer. */
  removed: { id: string; by: string }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function mergeObjects(a: Raw, b: Raw): Raw {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = isObject(v) && isObject(out[k]) ? mergeObjects(out[k], v) : v;
  return out;
}

const USUAL = ['environment', 'dependencies', 'quality', 'platform'];

/** Where a phase new to the merged list goes (see the rules above). */
export function placeOf(name: string, layer: string[], order: string[]): number {
  const i = layer.indexOf(name);
  for (let j = i - 1; j >= 0; j--) if (order.includes(layer[j])) return order.indexOf(layer[j]) + 1;
  for (let j = i + 1; j < layer.length; j++) if (order.includes(layer[j])) return order.indexOf(layer[j]);
  const rank = USUAL.indexOf(name);
  if (rank >= 0) {
    const later = order.findIndex((n) => USUAL.indexOf(n) > rank);
    if (later >= 0) return later;
  }
  return order.length;
}

export function mergeLayers(layers: MergeLayer[]): Merged {
  let settings: Raw;
  let hooks: Raw;
  const phases = new Map<string, Map<string, { check: Raw; origin: CheckOrigin }>>();
  const order: string[] = [];
  for (const { label, raw } of layers) {
    if (raw.settings) settings = mergeObjects(settings ?? {}, raw.settings);
    if (raw.hooks) {
      hooks ??= {};
      for (const [event, h] of Object.entries(raw.hooks)) hooks[event] = { ...hooks[event], ...(h as object) };
    }
    const names: string[] = (raw.phases ?? []).map((p: Raw) => p.name);
    for (const p of raw.phases ?? []) {
      let checks = phases.get(p.name);
      if (!checks) {
        checks = new Map();
        order.splice(placeOf(p.name, names, order), 0, p.name);
        phases.set(p.name, checks);
      }
      for (const c of p.checks ?? []) {
        const prev = checks.get(c.name);
        const keys = Object.fromEntries(Object.keys(c).map((k) => [k, label]));
        if (prev) checks.set(c.name, { check: { ...prev.check, ...c }, origin: { definedBy: prev.origin.definedBy, keys: { ...prev.origin.keys, ...keys } } });
        else checks.set(c.name, { check: { ...c }, origin: { definedBy: label, keys } });
      }
    }
  }
  const origins = new Map<string, CheckOrigin>();
  const removed: Merged['removed'] = [];
  const merged: Raw = {};
  if (settings) merged.settings = settings;
  merged.phases = order.map((name) => [name, phases.get(name)!] as const).map(([name, checks]) => ({
    name,
    checks: [...checks.values()].flatMap(({ check, origin }) => {
      const id = `${name}/${check.name}`;
      if (check.enabled === false) {
        removed.push({ id, by: origin.keys.enabled });
        return [];
      }
      const { enabled: _, ...rest } = check;
      origins.set(id, origin);
      return [rest];
    }),
  }));
  if (hooks) merged.hooks = hooks;
  return { raw: merged, origins, removed };
}

/**
 * A check's source for its fingerprint: the shared sets that gave it keys, with
 * their versions; null when the repository's own file alone defines it.
 */
export function sourceOf(origin: CheckOrigin, own: string): string | null {
  const labels = [...new Set([origin.definedBy, ...Object.values(origin.keys)])].filter((l) => l !== own);
  return labels.length ? labels.join(' + ') : null;
}
