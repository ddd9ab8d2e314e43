/**
 * Check fingerprints. A fingerprint is a SHA-256 over the check's resolved
 * command settings, the sorted (path, mode, blob id) list of its inputs as the
 * check will see them, the declared env values, the platform and the cache
 * format version. Paths are part of the digest, so renames and swapped contents
 * change it; blob ids come from git's index (see git/snapshot.ts).
 */
import { createHash } from 'node:crypto';
import type { ResolvedCheck } from '../config/types.js';
import type { Snapshot } from '../git/snapshot.js';
import { filterGlobs } from '../plan/glob.js';
import type { Components } from './types.js';

/** Bump when the meaning of a fingerprint changes, so old results are never reused. */
export const FORMAT_VERSION = 1;

export interface Fingerprint {
  digest: string;
  components: Components;
  /** False when an input is unmerged: such a result is never reused. */
  cacheable: boolean;
  /** `path\0oid\n` lines of the inputs, for explaining a later miss. */
  manifest(): string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Digests of the input lists, shared by checks with the same input globs within one run. */
export class InputHasher {
  private memo = new Map<string, { digest: string; paths: string[]; cacheable: boolean }>();
  constructor(private snap: Snapshot) {}

  /** The inputs of a glob list (null = every tracked file). */
  paths(globs: readonly string[] | null): string[] {
    if (!globs) return this.snap.tracked;
    const tracked = filterGlobs(this.snap.tracked, globs);
    const untracked = filterGlobs(this.snap.untracked, globs);
    return untracked.length ? [...tracked, ...untracked].sort() : tracked;
  }

  digest(globs: readonly string[] | null): { digest: string; paths: string[]; cacheable: boolean } {
    const key = globs ? globs.join('\0') : '\0all';
    const hit = this.memo.get(key);
    if (hit) return hit;
    const paths = this.paths(globs);
    let cacheable = true;
    let text = '';
    for (const p of paths) {
      const id = this.snap.identity(p);
      if (id.mode === 'conflict') cacheable = false;
      text += `${p}\0${id.mode} ${id.oid}\n`;
    }
    const res = { digest: sha(text), paths, cacheable };
    this.memo.set(key, res);
    return res;
  }

  manifest(paths: readonly string[]): string {
    let out = '';
    for (const p of paths) out += `${p}\0${this.snap.identity(p).oid}\n`;
    return out;
  }
}

export function commandDigest(check: ResolvedCheck): string {
  return sha(JSON.stringify([check.run, check.fix, check.shell, check.cwd, check.files, ...(check.source ? [check.source] : [])]));
}

export function envDigests(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = sha(env[n] === undefined ? `${n}\0<unset>` : `${n}=${env[n]}`).slice(0, 16);
  return out;
}

/**
 * @param files the files the check will be given; a pass over some files
 *   certifies only those, so they are part of the key.
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
  const inputs = hasher.digest(check.inputs);
  const components: Components = {
    command: commandDigest(check),
    inputs: inputs.digest,
    inputCount: inputs.paths.length,
    scope: files ? sha(files.join('\0')) : 'all',
    env: envDigests(check.env, env),
    platform,
    version: FORMAT_VERSION,
    ...(extra !== undefined ? { extra: sha(extra) } : {}),
  };
  return {
    digest: sha(JSON.stringify(components)),
    components,
    cacheable: inputs.cacheable,
    manifest: () => hasher.manifest(inputs.paths),
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
