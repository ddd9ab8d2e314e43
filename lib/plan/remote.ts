/**
 * The shared result cache as a second source of prior results, applied after
 * the local decision (pure): a check the local store would run is reused when
 * the remote holds a verified pass for the very fingerprint computed here from
 * the local files, within the check's ttl. Entries found but not trusted are
 * named in the reason, so --dry-run and `heph status` say why they were ignored.
 */
import { formatDuration } from '../config/duration.js';
import type { Plan, PlanItem } from './types.js';

/** A verified remote pass, as the planner needs it. */
export interface RemotePrior {
  fingerprint: string;
  at: number;
  durationMs: number;
  machine: string;
  branch: string | null;
}

export interface RemoteFindings {
  hits: Map<string, RemotePrior>;
  rejected: Map<string, string>;
  /** The remote could not be asked (down, slow, misconfigured). */
  error?: string | null;
}

/** The checks worth asking the remote about: those the local decision runs and whose result could be reused. */
export function remoteCandidates(plan: Plan, localFailed: (id: string, fingerprint: string) => boolean): { id: string; fingerprint: string }[] {
  if (plan.mode !== 'fast') return [];
  return plan.phases
    .flatMap((p) => p.items)
    .filter((i) => i.action === 'run' && i.cacheable && i.fingerprint && !localFailed(i.id, i.fingerprint))
    .map((i) => ({ id: i.id, fingerprint: i.fingerprint! }));
}

function applyOne(item: PlanItem, found: RemoteFindings, now: number): PlanItem {
  if (item.action !== 'run') return item;
  const hit = found.hits.get(item.id);
  if (hit && hit.fingerprint === item.fingerprint) {
    const age = Math.max(now - hit.at, 0);
    if (age >= item.check.ttlMs) return { ...item, reason: `${item.reason}; remote pass expired (${formatDuration(age)} old, ttl ${item.check.ttl})` };
    const who = [hit.machine, hit.branch].filter(Boolean).join(', ');
    return { ...item, action: 'cached', reason: `cached (${who}, ${formatDuration(age)} ago)`, savedMs: hit.durationMs, source: 'remote' };
  }
  const why = found.rejected.get(item.id);
  return why ? { ...item, reason: `${item.reason}; remote entry ignored: ${why}` } : item;
}

export function applyRemote(plan: Plan, found: RemoteFindings, now: number): Plan {
  return { ...plan, phases: plan.phases.map((p) => ({ ...p, items: p.items.map((i) => applyOne(i, found, now)) })) };
}
