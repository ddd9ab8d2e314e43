/**
 * Validates raw `.heph.json` data against the schema description, collecting
 * every problem with its JSON path, then the rules a schema cannot say (unique
 * names, hooks naming existing phases, a cwd inside the repository).
 */
import { parseDuration } from './duration.js';
import { configSchema, type Node } from './schema.js';
import { splitWords } from '../run/words.js';
import type { ConfigProblem } from './types.js';
import { BUILTINS, builtinOf } from '../builtins/names.js';

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The known key closest to an unknown one, if it is plausibly a typo. */
export function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = distance(key, k);
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const at = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function expectedOf(node: Node): string {
  switch (node.kind) {
    case 'string':
      return node.enum ? `one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}` : node.expected ?? 'a string';
    case 'duration':
      return `a${node.positive ? ' non-zero' : ''} duration like "30s", "10m", "1h", "7d"${node.forever ? ' or "forever"' : ''}`;
    case 'boolean':
      return 'true or false';
    case 'number':
      return `${node.integer ? 'an integer' : 'a number'} >= ${node.min}`;
    case 'array':
      return node.nonEmpty ? 'a non-empty array' : 'an array';
    case 'object':
      return 'an object';
  }
}

function walk(node: Node, v: unknown, path: string, out: ConfigProblem[], partial = false): void {
  const bad = (found = describe(v), expected = expectedOf(node)): void => {
    out.push({ path, expected, found });
  };
  switch (node.kind) {
    case 'string':
      if (typeof v !== 'string') return bad();
      if (node.enum && !node.enum.includes(v)) return bad();
      if (node.pattern && !node.pattern.test(v)) return bad();
      return;
    case 'duration':
      if (typeof v !== 'string' || parseDuration(v) === null || (!node.forever && v === 'forever') || (node.positive && parseDuration(v) === 0)) return bad();
      return;
    case 'boolean':
      if (typeof v !== 'boolean') bad();
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || (node.integer && !Number.isInteger(v)) || v < node.min) bad();
      return;
    case 'array':
      if (!Array.isArray(v)) return bad();
      if (node.nonEmpty && v.length === 0) return bad('an empty array');
      v.forEach((item, i) => walk(node.items, item, at(path, i), out, partial));
      return;
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad();
      const obj = v as Record<string, unknown>;
      const known = Object.keys(node.props);
      for (const [key, prop] of Object.entries(node.props)) {
        if (obj[key] === undefined) {
          // A layer of an `extends` chain may override a check without repeating its command.
          if (prop.required && !(partial && key === 'run')) out.push({ path: at(path, key), expected: expectedOf(prop.node), found: 'nothing' });
        } else walk(prop.node, obj[key], at(path, key), out, partial);
      }
      for (const key of Object.keys(obj)) {
        if (known.includes(key)) continue;
        const close = suggest(key, known);
        out.push({ path: at(path, key), expected: `one of the keys ${known.join(', ')}`, found: 'an unknown key', ...(close ? { hint: `did you mean "${close}"?` } : {}) });
      }
      return;
    }
  }
}

type RawCheck = { name?: unknown; cwd?: unknown; run?: unknown; fix?: unknown; shell?: unknown };
type Raw = { extends?: unknown; settings?: { webhooks?: unknown }; phases?: { name?: unknown; checks?: RawCheck[] }[]; hooks?: Record<string, { phases?: unknown }> };

/** A command that runs without a shell is split into words now, so a stray quote fails the load, not the run. */
function commandProblems(c: RawCheck, path: string, out: ConfigProblem[]): void {
  if (c.shell === true) return;
  for (const key of ['run', 'fix'] as const) {
    const cmd = c[key];
    if (typeof cmd !== 'string' || !/\S/.test(cmd)) continue;
    try {
      splitWords(cmd);
    } catch (e) {
      out.push({ path: `${path}.${key}`, expected: 'a command whose quotes are closed', found: JSON.stringify(cmd), hint: (e as Error).message.replace(/ in command: [^]*$/, '') });
    }
  }
}

function semantic(raw: Raw, out: ConfigProblem[], partial: boolean): void {
  if (raw.phases === undefined && raw.extends === undefined && !partial) out.push({ path: 'phases', expected: 'a non-empty array', found: 'nothing' });
  const phases = Array.isArray(raw.phases) ? raw.phases : [];
  const phaseNames = new Map<unknown, number>();
  phases.forEach((p, i) => {
    if (!p || typeof p !== 'object') return;
    if (typeof p.name === 'string') {
      if (phaseNames.has(p.name)) out.push({ path: `phases[${i}].name`, expected: 'a phase name not used before', found: `"${p.name}", also phases[${phaseNames.get(p.name)}]` });
      else phaseNames.set(p.name, i);
    }
    const seen = new Map<unknown, number>();
    (Array.isArray(p.checks) ? p.checks : []).forEach((c, j) => {
      if (!c || typeof c !== 'object') return;
      const path = `phases[${i}].checks[${j}]`;
      if (typeof c.name === 'string') {
        if (seen.has(c.name)) out.push({ path: `${path}.name`, expected: 'a check name unique in its phase', found: `"${c.name}", also checks[${seen.get(c.name)}]` });
        else seen.set(c.name, j);
      }
      for (const key of ['run', 'fix'] as const) {
        const name = typeof c[key] === 'string' ? builtinOf(c[key] as string) : null;
        if (name !== null && !(BUILTINS as readonly string[]).includes(name)) out.push({ path: `${path}.${key}`, expected: `a command, or a built-in check (${BUILTINS.map((b) => 'heph:' + b).join(', ')})`, found: JSON.stringify(c[key]) });
      }
      if (typeof c.cwd === 'string' && c.cwd.split(/[\\/]/).includes('..')) {
        out.push({ path: `${path}.cwd`, expected: 'a path inside the repository', found: JSON.stringify(c.cwd) });
      }
      commandProblems(c, path, out);
    });
  });
  const webhooks = raw.settings && typeof raw.settings === 'object' && Array.isArray(raw.settings.webhooks) ? raw.settings.webhooks : [];
  webhooks.forEach((w: { format?: unknown; secretEnv?: unknown } | null, i: number) => {
    if (w && typeof w === 'object' && (w.format ?? 'standard') === 'standard' && w.secretEnv === undefined) {
      out.push({ path: `settings.webhooks[${i}].secretEnv`, expected: 'the name of the environment variable holding the signing secret (Standard Webhooks are signed)', found: 'nothing', hint: 'or set "format": "slack"' });
    }
  });
  // A layer's hooks may name phases another layer defines: checked once merged.
  const hooks = raw.hooks && typeof raw.hooks === 'object' && !partial ? raw.hooks : {};
  for (const [event, hook] of Object.entries(hooks)) {
    if (!hook || typeof hook !== 'object' || !Array.isArray(hook.phases)) continue;
    hook.phases.forEach((name: unknown, k: number) => {
      if (typeof name === 'string' && !phaseNames.has(name)) {
        out.push({ path: `hooks.${event}.phases[${k}]`, expected: `a phase of this file (${[...phaseNames.keys()].join(', ')})`, found: JSON.stringify(name) });
      }
    });
  }
}

/**
 * Every problem in the raw config, in document order; empty when valid.
 * `partial`: a layer of an `extends` chain (checks may omit `run`, hooks may
 * name phases from other layers); the merged result is validated in full.
 */
export function validateConfig(raw: unknown, { partial = false } = {}): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  walk(configSchema, raw, '', out, partial);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) semantic(raw as Raw, out, partial);
  return out;
}
