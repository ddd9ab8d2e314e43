import type { Mode, HookEvent } from '../config/types.js';
import type { Status } from '../plan/types.js';

/** The outcome of one check in a run: what the report prints and --json emits. */
export interface CheckResult {
  id: string;
  phase: string;
  name: string;
  status: Status;
  reason: string;
  durationMs: number;
  exitCode: number | null;
  fingerprint: string | null;
  /** The last lines of output of a failed check. */
  tail?: string;
  /** For a reused result: the time the reuse saved. */
  savedMs?: number;
  /** A reused result from the shared cache (absent: the local store). */
  source?: 'local' | 'remote';
  /** Set when a fix ran and changed something (pre-commit re-stages these). */
  fixed?: boolean;
  /** When its outcome became known, in ms since the run started (for summaries). */
  endedAtMs?: number;
}

export interface RunReport {
  version: 1;
  ok: boolean;
  mode: Mode;
  event: HookEvent | null;
  durationMs: number;
  checks: CheckResult[];
  /** Why the run stopped early, when it did (interrupted, ...). */
  interrupted?: 'SIGINT' | 'SIGTERM';
  /** The run log, when one was written. */
  log?: string | null;
}
