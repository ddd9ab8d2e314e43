/**
 * Check fingerprints. A fingerprint is a SHA-256 over every setting that can
 * change a check's outcome, the sorted (path, mode, blob id) list of its inputs
 * as the check will see them, the declared env values, the platform and the
 * cache format version. Paths are part of the digest, so renames and swapped
 * contents change it; blob ids come from git's index (see git/snapshot.ts).
 *
 * A file-scoped check (its `run` uses `{files}`) is fingerprinted without its
 * files: its digest covers only the shared part (settings, inputs other than
 * its `files`, env, platform), and each file is certified separately under
 * `certKey(digest, path, content)` (see docs/caching.md).
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import type { ResolvedCheck } from '../config/types.js';
import type { Identity } from '../git/snapshot.js';
import type { Components } from './types.js';
import { keyPath } from './key-path.js';
import type { InputHasher } from './input-hasher.js';

export { keyPath } from './key-path.js';
export { InputHasher, type BaseSelection, type DigestCache, type MemoDigest } from './input-hasher.js';

/** Bump when the meaning of a fingerprint changes, so old results are never reused. */
export const FORMAT_VERSION = 2;

export interface Fingerprint {
  digest: string;
  components: Components;
  /** False when an input is unmerged: such a result is never reused. */
  cacheable: boolean;
  /** `path\0oid\n` lines of the inputs, for explaining a later miss. */
  manifest(): string;
  /**
   * The inputs that differ from those of an earlier result whose inputs digest was `prev`, when the
   * snapshot base (input-base.ts) holds that list; undefined when it cannot tell.
   */
  changedSince?(prev: string): string[] | undefined;
  /** True when the snapshot base keeps these inputs, so that no manifest need be stored to name a later change. */
  inBase?: boolean;
  /**
   * Per-file checks only: the certification key of each file that can be
   * certified (null for one that cannot: unmerged, missing). `fresh` re-reads
   * the files from the working tree (content a fix wrote) instead of using the
   * identity planned.
   */
  certKeys?(files: readonly string[], fresh?: boolean): (string | null)[];
  /**
   * Per-file checks: one digest of the shared part and every file's path and
   * content, so a run whose files were all certified last time is recognised
   * without a key per file.
   */
  filesDigest?(files: readonly string[]): { digest: string; cacheable: boolean };
  /**
   * Set while planning a per-file check: the files digest of its selection,
   * then those of earlier fully certified selections (a pre-commit's and a
   * run's alternate), stored with a pass.
   */
  selection?: string[];
  /**
   * Set while planning a per-file check found every file certified one by
   * one: its last result with this selection's digest, for the executor to
   * store so the next identical run is recognised at once.
   */
  refresh?: import('./types.js').StoredResult;
}

// crypto.hash (Node 20.12+) is a one-shot digest, ~2× faster than createHash for
// the short strings hashed once per file of a per-file check.
// (Named: a namespace import makes the bundle copy every property of the module at load.)
const oneShot = oneShotHash as ((algo: string, data: string, enc: 'hex') => string) | undefined;
const sha = oneShot ? (s: string) => oneShot('sha256', s, 'hex') : (s: string) => createHash('sha256').update(s).digest('hex');


/** True when a check is cached file by file: its `run` takes `{files}` and it did not opt out. */
export function isIncremental(check: ResolvedCheck): boolean {
  return check.incremental !== false && check.files !== null && check.run.includes('{files}');
}

/** The key under which one file's pass is recorded: shared digest, path and content. */
export function certKey(shared: string, path: string, id: Identity): string | null {
  if (id.mode === 'conflict' || id.oid === 'deleted') return null;
  return sha(`${shared}\0${keyPath(path)}\0${id.mode} ${id.oid}`).slice(0, 40);
}

/** What a stored manifest says when the base kept the inputs instead (Fingerprint.inBase). */
export const MANIFEST_IN_BASE = '\0in base\n';

/** Every setting that can change a check's outcome (not `ttl`, `tags`, `description`). */
export function commandDigest(check: ResolvedCheck): string {
  return sha(
    JSON.stringify([check.run, check.fix, check.shell, check.cwd, check.files, check.inputs, check.timeoutMs, [...check.env].sort(), isIncremental(check), check.symlinks, check.source ?? null]),
  );
}

/**
 * Inside a git hook, git puts its own exec directory in front of PATH; the same
 * PATH without it is what a manual run sees, so both share results.
 */
export function normaliseEnvValue(name: string, value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (name !== 'PATH' || value === undefined) return value;
  const exec = env.GIT_EXEC_PATH;
  if (!exec) return value;
  const parts = value.split(':');
  while (parts.length > 1 && (parts[0] === exec || parts[0] === `${exec}/`)) parts.shift();
  return parts.join(':');
}

export function envDigests(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = normaliseEnvValue(n, env[n], env);
    out[n] = sha(v === undefined ? `${n}\0<unset>` : `${n}=${v}`).slice(0, 16);
  }
  return out;
}

/**
 * @param files the files the check will be given; a pass of a whole-check
 *   cached check over some files certifies only those, so they are part of its key.
 */
export function fingerprint(
  check: ResolvedCheck,
  hasher: InputHasher,
  env: NodeJS.ProcessEnv,
  platform: string,
  files: readonly string[] | null,
  /** Event data the check reads besides files (the commit message), part of the key. */
  extra?: string,
): Fingerprint {
  const perFile = isIncremental(check);
  // A per-file check's own files are certified one by one; the rest of its inputs are shared.
  const inputs = hasher.digest(check.inputs, perFile ? check.files : null);
  const components: Components = {
    command: commandDigest(check),
    inputs: inputs.digest,
    inputCount: inputs.count,
    scope: perFile ? 'per-file' : files ? sha(files.map(keyPath).join('\0')) : 'all',
    env: envDigests(check.env, env),
    platform,
    version: FORMAT_VERSION,
    ...(extra !== undefined ? { extra: sha(extra) } : {}),
  };
  const digest = sha(JSON.stringify(components));
  return {
    digest,
    components,
    cacheable: inputs.cacheable,
    manifest: () => hasher.manifest(inputs.paths()),
    ...(inputs.since ? { changedSince: inputs.since } : {}),
    inBase: inputs.kept === true,
    ...(perFile
      ? {
          certKeys: (paths: readonly string[], fresh?: boolean) => paths.map((p) => certKey(digest, p, hasher.identity(p, fresh))),
          filesDigest: (paths: readonly string[]) => hasher.listDigest(paths, `${digest}\n`),
        }
      : {}),
  };
}

/** Paths whose content differs between two manifests (added, removed or changed). */
export function diffManifests(before: string, after: string): string[] {
  const parse = (m: string) => {
    const map = new Map<string, string>();
    for (const line of m.split('\n')) {
      if (!line) continue;
      const i = line.indexOf('\0');
      map.set(line.slice(0, i), line.slice(i + 1));
    }
    return map;
  };
  const a = parse(before);
  const b = parse(after);
  const changed: string[] = [];
  for (const [p, oid] of b) if (a.get(p) !== oid) changed.push(p);
  for (const p of a.keys()) if (!b.has(p)) changed.push(p);
  return changed.sort();
}
