/**
 * From a request to a sealed plan: read the snapshot and the stored results
 * (in parallel), select, fingerprint and decide. The planner itself is pure
 * (plan/); this module gathers its inputs from git, the store and the clock.
 */
import type { HookEvent, Mode, ResolvedConfig } from '../config/types.js';
import type { Repo } from '../git/repo.js';
import { readSnapshot, type Snapshot, type SnapshotSource } from '../git/snapshot.js';
import { takeEarlySnapshot } from './early.js';
import { selectChecks, type SelectOptions } from '../plan/select.js';
import { decide } from '../plan/decide.js';
import { memberModes, mixModes, scopeMembers, type MemberOptions } from '../plan/members.js';
import type { Plan } from '../plan/types.js';
import { diffManifests, fingerprint, InputHasher, type Fingerprint } from '../state/fingerprint.js';
import type { StateStore } from '../state/types.js';

export interface PlanRequest {
  repo: Repo;
  config: ResolvedConfig;
  mode: Mode;
  event: HookEvent | null;
  /** Where check inputs are read from: the working tree, or the index (pre-commit). */
  source: SnapshotSource;
  /** A snapshot already being read (started early to overlap with startup). */
  snapshot?: Promise<Snapshot>;
  /** The store, or a promise of it (opened in parallel with the snapshot). */
  store: StateStore | Promise<StateStore>;
  select: Omit<SelectOptions, 'candidates' | 'platform'> & { platform?: string };
  /** Files file-scoped checks choose from; default: every tracked file present in the working tree. */
  candidates?: (snap: Snapshot) => readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Event data every check's key includes (the commit message for commit-msg). */
  extra?: string;
  now?: number;
  /** Which members take part (repositories with nested `.heph.json` files). */
  members?: MemberOptions;
}

export interface Prepared {
  plan: Plan;
  fingerprints: Map<string, Fingerprint>;
  store: StateStore;
  snapshot: Snapshot;
}

export function startSnapshot(repo: Repo, source: SnapshotSource): Promise<Snapshot> {
  return takeEarlySnapshot(repo.root, source) ?? readSnapshot({ root: repo.root, source });
}

export async function preparePlan(req: PlanRequest): Promise<Prepared> {
  const env = req.env ?? process.env;
  const platform = req.select.platform ?? process.platform;
  const [snapshot, store] = await Promise.all([req.snapshot ?? startSnapshot(req.repo, req.source), req.store]);
  const candidates = req.candidates ? req.candidates(snapshot) : snapshot.tracked.filter((p) => !snapshot.isDeleted(p));
  let selection = selectChecks(req.config, { ...req.select, platform, candidates });
  if (req.members) selection = scopeMembers(req.config, selection, req.members);
  const hasher = new InputHasher(snapshot);
  const fingerprints = new Map<string, Fingerprint>();
  for (const phase of selection.phases) {
    for (const s of phase.checks) if (!s.skip) fingerprints.set(s.check.id, fingerprint(s.check, hasher, env, `${platform}/${process.arch}`, s.files, req.extra));
  }
  const stored = await store.getResults([...fingerprints.keys()]);
  // Name the changed inputs of the checks that will miss on them (never on the all-cached path).
  const changedInputs = new Map<string, string[]>();
  await Promise.all(
    [...fingerprints].map(async ([id, fp]) => {
      const prev = stored.get(id);
      if (!prev || prev.components?.inputs === fp.components.inputs) return;
      const before = await store.getManifest(id);
      if (before !== null) changedInputs.set(id, diffManifests(before, fp.manifest()));
    }),
  );
  const decision = { selection, mode: req.mode, event: req.event, fingerprints, stored, changedInputs, now: req.now ?? Date.now() };
  let plan = decide(decision);
  // A member whose own hook has the other mode: its checks are decided in that mode.
  const other = memberModes(req.config, req.event, req.mode);
  if (other) plan = mixModes(plan, decide({ ...decision, mode: other.mode }), other.members);
  return { plan, fingerprints, store, snapshot };
}
