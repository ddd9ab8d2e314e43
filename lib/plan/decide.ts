/**
 * Decision, the second pure step of planning: given fingerprints, stored
 * results and the clock, each selected check is run or reused, with a reason.
 */
import type { Mode, HookEvent } from '../config/types.js';
import { formatDuration } from '../config/duration.js';
import type { Components, StoredResult } from '../state/types.js';
import type { Plan, PlanItem } from './types.js';
import type { Selected, Selection } from './select.js';

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
  /**
   * Per-file checks: for each of the selected files (same order), when its
   * certification was recorded, or null when it has none.
   */
  certs?: Map<string, (number | null)[]>;
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

type Decision = Pick<PlanItem, 'action' | 'reason' | 'savedMs' | 'perFile' | 'changed' | 'reused'> & { files?: string[] };

/** A result stamped in the future (the clock went back) counts as expired, like one past its ttl. */
export function isFresh(at: number, now: number, ttlMs: number): boolean {
  const age = now - at;
  return age >= 0 && age < ttlMs;
}

/** 2,000: toLocaleString would load ICU's data, ~10 ms, on a hot path. */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function decideOne(s: Selected, input: DecideInput): Decision {
  const id = s.check.id;
  const fp = input.fingerprints.get(id)!;
  const prev = input.stored.get(id);
  const certs = input.certs?.get(id);
  if (certs && !s.skip) return decidePerFile(s, certs, fp, prev, input);
  if (!fp.cacheable) return { action: 'run', reason: 'unmerged inputs; results are not reused' };
  if (input.mode === 'full') return { action: 'run', reason: 'full mode' };
  if (!prev) return { action: 'run', reason: 'no previous result' };
  if (prev.fingerprint !== fp.digest) {
    const changed = input.changedInputs?.get(id);
    return { action: 'run', reason: missReason(id, fp, prev, changed), ...(changed?.length ? { changed } : {}) };
  }
  if (prev.status !== 'passed') return { action: 'run', reason: `${prev.status} last time` };
  const age = input.now - prev.at;
  const ttlNote = s.check.ttlMs === Infinity ? '' : ` (ttl ${s.check.ttl})`;
  if (age < 0) return { action: 'run', reason: `expired: recorded in the future (${formatDuration(-age)} ahead; the clock went back)` };
  if (!isFresh(prev.at, input.now, s.check.ttlMs)) return { action: 'run', reason: `expired: ran ${formatDuration(age)} ago${ttlNote}` };
  return { action: 'cached', reason: `cached ${formatDuration(age)} ago${ttlNote}`, savedMs: prev.durationMs, reused: { oldest: prev.at, newest: prev.at, now: input.now } };
}

/** A per-file check is given only the files without a fresh certification. */
function decidePerFile(s: Selected, certs: (number | null)[], fp: FingerprintInfo, prev: StoredResult | undefined, input: DecideInput): Decision {
  // One certification per selected file, in order: the files themselves are listed only when some must run.
  const total = certs.length;
  const all = (reason: string): Decision => ({ action: 'run', reason, files: s.files!, perFile: { total, uncertified: total } });
  if (!fp.cacheable) return all('unmerged inputs; results are not reused');
  if (input.mode === 'full') return all('full mode');
  const stale = (t: number | null) => t === null || !isFresh(t, input.now, s.check.ttlMs);
  const todo = certs.some(stale) ? s.files!.filter((_, i) => stale(certs[i])) : [];
  const perFile = { total, uncertified: todo.length };
  if (!todo.length) {
    let newest = -Infinity;
    let oldest = Infinity;
    for (const t of certs as number[]) (newest = Math.max(newest, t)), (oldest = Math.min(oldest, t));
    const ttlNote = s.check.ttlMs === Infinity ? '' : `, ttl ${s.check.ttl}`;
    const reused = { oldest, newest, now: input.now };
    return { action: 'cached', reason: `cached ${formatDuration(Math.max(0, input.now - newest))} ago (all ${count(total)} files${ttlNote})`, savedMs: prev?.durationMs, files: [], perFile, reused };
  }
  if (todo.length === total) {
    // Nothing certified: say why in whole-check terms when a previous result tells.
    const why = !prev ? 'no previous result' : prev.fingerprint !== fp.digest ? missReason(s.check.id, fp, prev, input.changedInputs?.get(s.check.id)) : null;
    if (why) return all(why);
  }
  return { action: 'run', reason: `${count(todo.length)} of ${count(total)} files changed: ${listPaths(todo)}`, files: todo, perFile };
}

/** A property computed on first read (and then a plain value, writable like any other). */
function listedLater<K extends 'files' | 'selected'>(item: PlanItem, name: K, get: () => PlanItem[K]): void {
  const settle = (value: PlanItem[K]) => Object.defineProperty(item, name, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(item, name, {
    get: () => (settle(get()), item[name]),
    set: (v: PlanItem[K]) => settle(v),
    enumerable: true,
    configurable: true,
  });
}

export function decide(input: DecideInput): Plan {
  return {
    mode: input.mode,
    event: input.event,
    phases: input.selection.phases.map((phase) => ({
      name: phase.name,
      items: phase.checks.map((s): PlanItem => {
        const id = s.check.id;
        if (s.skip) return { id, check: s.check, files: s.files, selected: s.files, action: 'skipped', reason: s.skip, fingerprint: null, cacheable: false };
        const fp = input.fingerprints.get(id)!;
        const d = decideOne(s, input);
        const item = { id, check: s.check, ...d, fingerprint: fp.digest, cacheable: fp.cacheable } as PlanItem;
        // The selection is listed when something reads it (a fix of the run, a report), not to be carried.
        listedLater(item, 'selected', () => s.files);
        if (!('files' in d)) listedLater(item, 'files', () => s.files);
        return item;
      }),
    })),
  };
}
