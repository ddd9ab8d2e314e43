/**
 * heph's library API. The CLI is one consumer of it; the same functions let a
 * script plan, explain or run checks without spawning heph.
 */
export { HephError, EXIT, exitCodeFor } from './errors.js';
export type { ResolvedConfig, ResolvedCheck, ResolvedPhase, ResolvedHook, HookEvent, Mode, ConfigProblem } from './config/types.js';
export { loadConfig } from './config/load.js';
export { findRepo, hephDir, type Repo } from './git/repo.js';
export { readSnapshot, type Snapshot } from './git/snapshot.js';
export { InputHasher, fingerprint, FORMAT_VERSION } from './state/fingerprint.js';
export { openStore } from './state/store.js';
export { selectChecks } from './plan/select.js';
export { decide } from './plan/decide.js';
export type { Plan, PlanItem, Status } from './plan/types.js';
export { preparePlan } from './run/pipeline.js';
export { execute } from './run/execute.js';
export type { RunReport, CheckResult } from './run/types.js';
export { VERSION } from './version.js';
