/**
 * Decision, the second pure step of planning: given fingerprints, stored
 * results and the clock, each selected check is run or reused, with a reason.
 */
import type { Mode, HookEvent } from '../config/types.js';
import { formatDuration } from '../config/duration.js';
import type { Components, StoredResult } from '../state/types.js';
import type { Plan, PlanItem } from './types.js';
import type { Selection } from './select.js';

export interface FingerprintInfo {
  digest: string;
  components: Components;
  cacheable: boolean;
}

export interface DecideInput {
  selection: Selection;
  mode: Mode;
  event: HookEvent | null;
  /** Fingerprints of the selected (not skipped) checks, by id. */
  fingerprints: Map<string, FingerprintInfo>;
  stored: Map<string, StoredResult>;
  /** For checks whose inputs changed: which paths, when known. */
  changedInputs?: Map<string, string[]>;
  now: number;
}

function listPaths(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} (+${paths.length - 3} more)` : shown;
}

/** Why a stored result does not match the current fingerprint. */
export function missReason(id: string, fp: FingerprintInfo, prev: StoredResult, changed?: string[]): string {
  const a = prev.components;
  const b = fp.components;
  if (!a || a.version !== b.version) return 'cache format changed';
  if (a.command !== b.command) return 'command changed';
  if (a.platform !== b.platform) return `platform changed (${a.platform} → ${b.platform})`;
  const envChanged = Object.keys(b.env).filter((k) => a.env[k] !== b.env[k]);
  if (envChanged.length) return `env changed: ${envChanged.join(', ')}`;
  if (a.extra !== b.extra) return 'commit message changed';
  if (a.scope !== b.scope && a.inputs === b.inputs) return 'different files selected';
  if (a.inputs !== b.inputs) return changed?.length ? `inputs changed: ${listPaths(changed)}` : 'inputs changed';
  return 'fingerprint changed';
}

function decideOne(id: string, input: DecideInput): Pick<PlanItem, 'action' | 'reason' | 'savedMs' | 'changed'> {
  const fp = input.fingerprints.get(id)!;
  const prev = input.stored.get(id);
  if (!fp.cacheable) return { action: 'run', reason: 'unmerged inputs; results are not reused' };
  if (input.mode === 'full') return { action: 'run', reason: 'full mode' };
  if (!prev) return { action: 'run', reason: 'no previous result' };
  if (prev.fingerprint !== fp.digest) {
    const changed = input.changedInputs?.get(id);
    return { action: 'run', reason: missReason(id, fp, prev, changed), ...(changed?.length ? { changed } : {}) };
  }
  if (prev.status !== 'passed') return { action: 'run', reason: `${prev.status} last time` };
  const age = input.now - prev.at;
  const ttl = input.selection.phases.flatMap((p) => p.checks).find((s) => s.check.id === id)!.check;
  const ttlNote = ttl.ttlMs === Infinity ? '' : ` (ttl ${ttl.ttl})`;
  if (age >= ttl.ttlMs) return { action: 'run', reason: `expired: ran ${formatDuration(age)} ago${ttlNote}` };
  return { action: 'cached', reason: `cached ${formatDuration(Math.max(age, 0))} ago${ttlNote}`, savedMs: prev.durationMs };
}

export function decide(input: DecideInput): Plan {
  return {
    mode: input.mode,
    event: input.event,
    phases: input.selection.phases.map((phase) => ({
      name: phase.name,
      items: phase.checks.map((s): PlanItem => {
        const id = s.check.id;
        const base = { id, check: s.check, files: s.files };
        if (s.skip) return { ...base, action: 'skipped', reason: s.skip, fingerprint: null, cacheable: false };
        const fp = input.fingerprints.get(id)!;
        return { ...base, ...decideOne(id, input), fingerprint: fp.digest, cacheable: fp.cacheable };
      }),
    })),
  };
}
