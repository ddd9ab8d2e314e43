import type { HookEvent, Mode, ResolvedCheck } from '../config/types.js';

/** Final outcome of a check in a run. */
export type Status = 'passed' | 'failed' | 'fixed' | 'cached' | 'skipped' | 'not-run';

/** What the plan decided for a check. */
export type Action = 'run' | 'cached' | 'skipped';

export interface PlanItem {
  /** `phase/name`. */
  id: string;
  check: ResolvedCheck;
  action: Action;
  /** Why, in words a user reads: "inputs changed: a.py", "cached 3m ago (ttl 1h)". */
  reason: string;
  /** The files the check is given (`{files}`), or null when it is not file-scoped. */
  files: string[] | null;
  /**
   * Every file the check's `files` select (`files` may hold fewer: those a per-file check has no
   * certification for). A fix earlier in the run that changes one of them makes the check look again.
   */
  selected?: string[] | null;
  fingerprint: string | null;
  /** False when the result must not be stored for reuse (unmerged inputs). */
  cacheable: boolean;
  /**
   * Per-file checks: how many files were selected and how many lack a fresh
   * certification (`files` then holds only those).
   */
  perFile?: { total: number; uncertified: number };
  /** For a reused result: how long the check took when it ran (the time this reuse saves). */
  savedMs?: number;
  /** For a check that runs because its inputs changed: which paths, when known. */
  changed?: string[];
  /** Where a reused result came from. @default "local" */
  source?: 'local' | 'remote';
  /** For a reused result: when its oldest and newest parts were recorded, and the clock the plan read ("cached 3m ago"). */
  reused?: { oldest: number; newest: number; now: number };
}

export interface PlanPhase {
  name: string;
  items: PlanItem[];
}

/** The sealed plan: the executor runs exactly this, and --dry-run prints exactly this. */
export interface Plan {
  mode: Mode;
  event: HookEvent | null;
  phases: PlanPhase[];
}
