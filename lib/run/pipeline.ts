/**
 * From a request to a sealed plan: read the snapshot and the stored results
 * (in parallel), select, fingerprint and decide; then, for the checks that
 * would run, ask the shared result cache if one is configured (run/remote-step.ts).
 * The planner itself is pure (plan/); this module gathers its inputs from git,
 * the store and the clock.
 */
import type { HookEvent, Mode, ResolvedCheck, ResolvedConfig } from '../config/types.js';
import { hephDir, type Repo } from '../git/repo.js';
import { readSnapshot, type Snapshot, type SnapshotSource } from '../git/snapshot.js';
import { takeEarlySnapshot } from './early.js';
import { selectChecks, type Selection, type SelectOptions } from '../plan/select.js';
import { decide, isFresh } from '../plan/decide.js';
import { memberModes, mixModes, scopeMembers, type MemberOptions } from '../plan/members.js';
import type { Plan } from '../plan/types.js';
import { diffManifests, fingerprint, FORMAT_VERSION, InputHasher, isIncremental, MANIFEST_IN_BASE, type Fingerprint } from '../state/fingerprint.js';
import { DigestMemo } from '../state/digest-memo.js';
import { InputBase } from '../state/input-base.js';
import { listDigest as bytesDigest } from '../state/input-list.js';
import type { StateStore, StoredResult } from '../state/types.js';
import { now as clock } from '../clock.js';
import { remoteStep, type RemoteStepOptions } from './remote-step.js';

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
  /** How the shared result cache (if configured) warns and where it keeps its last error. */
  remote?: RemoteStepOptions;
  /** Which members take part (repositories with nested `.heph.json` files). */
  members?: MemberOptions;
  /** heph's folder, where input digests of an unchanged snapshot are remembered; `write: false` only reads. */
  memo?: { dir: string; write: boolean };
}

export interface Prepared {
  plan: Plan;
  fingerprints: Map<string, Fingerprint>;
  store: StateStore;
  snapshot: Snapshot;
}

export function startSnapshot(repo: Repo, source: SnapshotSource): Promise<Snapshot> {
  return takeEarlySnapshot(repo.root, source) ?? readSnapshot({ root: repo.root, source, gitDir: repo.gitDir, factsDir: hephDir(repo) });
}

/** A submodule (gitlink) or a directory is no file a tool can be given by name. */
const NOT_FILES = new Set(['160000', '040000']);

export async function preparePlan(req: PlanRequest): Promise<Prepared> {
  const env = req.env ?? process.env;
  const platform = req.select.platform ?? process.platform;
  const remote = remoteStep(req.config, env, req.mode, req.remote ?? {});
  const [snapshot, store] = await Promise.all([req.snapshot ?? startSnapshot(req.repo, req.source), req.store]);
  const key = req.memo ? snapshot.contentKey() : null;
  const memo = key ? DigestMemo.open(req.memo!.dir, key) : undefined;
  const candidates = req.candidates ? req.candidates(snapshot) : () => snapshot.tracked.filter((p) => !snapshot.isDeleted(p));
  const isNotFile = (p: string) => NOT_FILES.has(snapshot.identity(p).mode);
  // The last snapshot's lists, patched for what changed since: only where this snapshot can be described whole.
  const base = key && snapshot.indexListing ? InputBase.open(req.memo!.dir, snapshot, FORMAT_VERSION) : undefined;
  let otherSource: InputBase | undefined;
  const otherBase = () => (otherSource ??= InputBase.open(req.memo!.dir, snapshot, FORMAT_VERSION, snapshot.source === 'index' ? 'worktree' : 'index'));
  const hasher = new InputHasher(snapshot, memo, base, base && otherBase);
  const fromBase = base && !req.candidates ? { get: (k: string, c: ResolvedCheck) => hasher.selectFromBase(k, c.files!, c.symlinks === true), keep: (k: string, files: readonly string[]) => hasher.keepSelection(k, files) } : undefined;
  let selection = selectChecks(req.config, { ...req.select, platform, candidates, isSymlink: (p) => snapshot.identity(p).mode === '120000', isNotFile, cache: memo, base: fromBase });
  if (req.members) selection = scopeMembers(req.config, selection, req.members);
  const fingerprints = new Map<string, Fingerprint>();
  for (const phase of selection.phases) {
    for (const s of phase.checks) if (!s.skip) fingerprints.set(s.check.id, fingerprint(s.check, hasher, env, `${platform}/${process.arch}`, isIncremental(s.check) ? null : s.files, req.extra));
  }
  const now = req.now ?? clock();
  const stored = await store.getResults([...fingerprints.keys()]);
  const certs = await certifications(selection, fingerprints, stored, store, req.mode, now, memo, base);
  if (req.memo?.write) {
    memo?.save();
    base?.save();
    snapshot.remember?.();
  }
  // Name the changed inputs of the checks that will miss on them (never on the all-cached path).
  const changedInputs = new Map<string, string[]>();
  await Promise.all(
    [...fingerprints].map(async ([id, fp]) => {
      const prev = stored.get(id);
      if (!prev || prev.components?.inputs === fp.components.inputs) return;
      const since = prev.components?.inputs ? fp.changedSince?.(prev.components.inputs) : undefined;
      if (since) return void changedInputs.set(id, since);
      const before = await store.getManifest(id);
      if (before !== null && before !== MANIFEST_IN_BASE) changedInputs.set(id, diffManifests(before, fp.manifest()));
    }),
  );
  const decision = { selection, mode: req.mode, event: req.event, fingerprints, stored, changedInputs, certs, now };
  let plan = decide(decision);
  // A member whose own hook has the other mode: its checks are decided in that mode.
  const other = memberModes(req.config, req.event, req.mode);
  if (other) plan = mixModes(plan, decide({ ...decision, mode: other.mode }), other.members);
  if (remote) plan = await remote.apply(plan, stored, now);
  return { plan, fingerprints, store, snapshot };
}

/** How many fully certified selections a per-file check remembers (a pre-commit's, a run's...). */
const KEEP_SELECTIONS = 4;

const ttlForever = (selection: Selection, id: string) =>
  selection.phases.some((p) => p.checks.some((s) => s.check.id === id && s.check.ttlMs === Infinity));

/**
 * For each per-file check, when each of its selected files was certified
 * (null: never). A check whose last pass covered exactly these files with
 * exactly this content needs no key per file (the common, nothing-changed
 * case); the others are looked up in one store read.
 */
async function certifications(
  selection: Selection,
  fingerprints: Map<string, Fingerprint>,
  stored: Map<string, StoredResult>,
  store: StateStore,
  mode: Mode,
  now: number,
  memo?: DigestMemo,
  base?: InputBase,
): Promise<Map<string, (number | null)[]>> {
  const out = new Map<string, (number | null)[]>();
  const keys = new Map<string, (string | null)[]>();
  const partial = new Map<string, { changed: Set<string>; at: number }>();
  const selected = new Map(selection.phases.flatMap((p) => p.checks.map((s) => [s.check.id, s] as const)));
  for (const phase of selection.phases) {
    for (const s of phase.checks) {
      const fp = fingerprints.get(s.check.id);
      if (!fp?.certKeys || !fp.filesDigest || s.skip || !s.check.files) continue;
      // A selection known from the memo is listed only if some file turns out not to be certified.
      const memoKey = memo && s.key ? `files\0${fp.digest}\0${s.key}` : undefined;
      let whole = memoKey ? memo!.get(memoKey) : undefined;
      const seed = `${fp.digest}\n`;
      if (!whole) {
        // A selection patched from the last snapshot's is hashed from its bytes, not listed again.
        const d = s.base ? { digest: bytesDigest(s.base.list, seed), cacheable: s.base.list.conflicts === 0 } : fp.filesDigest(s.files!);
        whole = { ...d, count: s.count ?? s.files!.length };
        if (memoKey) memo!.set(memoKey, whole);
      }
      if (s.key && whole.cacheable) base?.seeded(s.key, whole.digest);
      const prev = stored.get(s.check.id);
      const known = prev?.fingerprint === fp.digest && Array.isArray(prev.files) ? prev.files : [];
      if (whole.cacheable) fp.selection = [whole.digest, ...known.filter((d) => d !== whole.digest)].slice(0, KEEP_SELECTIONS);
      const reusable = mode === 'fast' && s.check.ttlMs === Infinity && prev?.status === 'passed' && isFresh(prev.at, now, s.check.ttlMs);
      if (reusable && known.includes(whole.digest)) {
        out.set(s.check.id, new Array<number>(whole.count).fill(prev!.at));
        continue;
      }
      // A remembered selection was certified whole by that pass: only what changed since is looked up.
      const since = reusable && s.base ? s.base.since(known) : undefined;
      if (since) {
        const changed = new Set(since);
        partial.set(s.check.id, { changed, at: prev!.at });
        keys.set(s.check.id, fp.certKeys([...changed]));
        continue;
      }
      keys.set(s.check.id, fp.certKeys(s.files!));
    }
  }
  if (!keys.size) return out;
  const all = [...keys.values()].flat().filter((k): k is string => k !== null);
  const found = all.length ? await store.getCerts(all) : new Map<string, number>();
  for (const [id, list] of keys) {
    let times = list.map((k) => (k === null ? null : (found.get(k) ?? null)));
    const part = partial.get(id);
    if (part) {
      const looked = new Map([...part.changed].map((p, i) => [p, times[i]]));
      const files = selected.get(id)!.files!;
      times = files.map((p) => (looked.has(p) ? looked.get(p)! : part.at));
    }
    out.set(id, times);
    const fp = fingerprints.get(id)!;
    const prev = stored.get(id);
    if (mode === 'fast' && fp.selection && prev && prev.status === 'passed' && ttlForever(selection, id) && times.every((t) => t !== null && isFresh(t, now, Infinity))) {
      fp.refresh = { ...prev, fingerprint: fp.digest, components: fp.components, files: fp.selection };
    }
  }
  return out;
}
