/**
 * Digests of the input lists of checks: the (path, mode, blob id) records of
 * every input, hashed once per distinct glob list in a run. A list comes from
 * the digest memo (an unchanged snapshot), from the snapshot base patched for
 * what changed (input-base.ts), or is listed from scratch.
 */
import { createHash } from 'node:crypto';
import { hashWorktreeFile, type Identity, type Snapshot } from '../git/snapshot.js';
import { compileGlobs, filterGlobs } from '../util/glob.js';
import type { InputBase } from './input-base.js';
import { buildList, listDigest as bytesDigest, listPaths, patchList, type InputList, type ListOrder } from './input-list.js';
import { keyPath } from './key-path.js';

const GLOB_CHARS = /[*?[\]{}!\\]/;

export interface Digest {
  digest: string;
  /** How many paths the digest covers. */
  count: number;
  /** The paths themselves (listed again when the digest came from the memo). */
  paths(): string[];
  cacheable: boolean;
  /** Which inputs changed since the base's list, if its digest is `prev` (see Fingerprint.changedSince). */
  since?(prev: string): string[] | undefined;
  /** The list is kept in the base this run writes. */
  kept?: boolean;
}

/** A per-file check's selection patched from the base's (InputHasher.selectFromBase). */
export interface BaseSelection {
  count: number;
  list: InputList;
  files(): string[];
  /**
   * The selected files not certified by the pass that certified a remembered selection whole (its digest,
   * seeded as Fingerprint.filesDigest seeds it, among `known`); undefined when none was.
   */
  since(known: readonly string[]): string[] | undefined;
}

/** A submodule (gitlink) or a directory is no file a tool can be given by name. */
const NOT_FILES = new Set(['160000', '040000']);

/** A remembered digest: of an input list, of a per-file selection (or, digest empty, only its size). */
export interface MemoDigest {
  digest: string;
  count: number;
  cacheable: boolean;
}

/** Where digests of an unchanged snapshot are remembered between runs (state/digest-memo.ts). */
export interface DigestCache {
  get(key: string): MemoDigest | undefined;
  set(key: string, d: MemoDigest): void;
}

/** Digests of the input lists, shared by checks with the same input globs within one run. */
export class InputHasher {
  private memo = new Map<string, Digest>();
  private everything: string[] | undefined;
  /** @param cache digests remembered for this snapshot's content key, if it has one. */
  /**
   * @param cache digests remembered for this snapshot's content key, if it has one.
   * @param base the last snapshot's lists, patched for what changed instead of listing every path.
   */
  constructor(
    private snap: Snapshot,
    private cache?: DigestCache,
    private base?: InputBase,
    /** The other source's base (a hook's for a run, a run's for a hook), opened on first use to name changed inputs. */
    private other?: () => InputBase | undefined,
  ) {}

  /** The inputs of list `key` (`inList`) changed since the run that gave it digest `prev`, from whichever base remembers it. */
  private namesSince(key: string, prev: string, inList: (p: string) => boolean): string[] | undefined {
    return this.base?.namesSince(key, prev, inList) ?? this.other?.()?.namesSince(key, prev, inList);
  }

  /**
   * The inputs of a glob list: tracked and untracked (not ignored) files that
   * match, plus every path named literally (no glob characters) even when git
   * ignores it (`.env`). null = every tracked and untracked file.
   */
  paths(globs: readonly string[] | null, exclude?: readonly string[] | null): string[] {
    return this.select(globs, exclude).paths;
  }

  /** `literal`: a path outside the snapshot was added, whose content the snapshot's key does not cover. */
  private select(globs: readonly string[] | null, exclude?: readonly string[] | null): { paths: string[]; literal: boolean; order: ListOrder } {
    // A per-file check's inputs default to its files: nothing is left to share.
    if (globs && exclude && globs.length === exclude.length && globs.every((g, i) => g === exclude[i])) return { paths: [], literal: false, order: 'git' };
    let out: string[];
    let literal: string[] = [];
    let order: ListOrder = 'git';
    if (!globs) {
      out = this.all();
      if (this.snap.untracked.length) order = 'js';
    } else {
      const tracked = filterGlobs(this.snap.tracked, globs);
      const untracked = filterGlobs(this.snap.untracked, globs);
      literal = this.literals(globs, tracked, untracked);
      if (untracked.length || literal.length) order = 'js';
      out = untracked.length || literal.length ? [...tracked, ...untracked, ...literal].sort() : tracked;
    }
    if (exclude) {
      const m = compileGlobs(exclude);
      out = out.filter((p) => !m(p));
    }
    return { paths: out, literal: literal.length > 0, order };
  }

  /**
   * The default selection of a per-file check (tracked files on disk matching `files`, no symlink
   * unless `symlinks`, never a submodule or directory) patched from the base's; undefined when the
   * base does not hold it.
   */
  selectFromBase(key: string, files: readonly string[], symlinks: boolean): BaseSelection | undefined {
    const held = this.base?.list(key);
    const changes = this.base?.changes();
    if (!held || !changes) return undefined;
    const m = compileGlobs(files);
    const mine = new Map<string, Identity | undefined>();
    // A file staged as it was when untracked keeps its content and enters the selection: index changes count too.
    for (const p of new Set([...changes.keys(), ...this.base!.indexChanged()])) {
      if (!m(p)) continue;
      const id = this.snap.indexIdentity!(p) ? this.snap.identity(p) : undefined;
      const picked = id && id.oid !== 'deleted' && (symlinks || id.mode !== '120000') && !NOT_FILES.has(id.mode);
      mine.set(p, picked ? id : undefined);
    }
    const list = patchList(held.list, mine, 'git', keyPath);
    if (!list) return undefined;
    this.base!.keep(key, list, bytesDigest(list, ''), true, mine);
    let listed: string[] | undefined;
    return {
      count: list.offsets.length,
      list,
      files: () => (listed ??= listPaths(list)),
      since: (known) => this.base!.selectionSince(key, known, held.list, mine),
    };
  }

  /** A per-file check's default selection listed from scratch, kept for the next run's base. */
  keepSelection(key: string, files: readonly string[]): void {
    if (!this.base) return;
    const list = buildList(files, (p) => this.snap.identity(p), keyPath, 'git');
    this.base.keep(key, list, bytesDigest(list, ''), false);
  }

  /**
   * The list patched from the base's for the paths changed since (input-base.ts), or null when the
   * base cannot give it: no base list, a literal input outside the snapshot, an order it cannot keep.
   */
  private fromBase(key: string, globs: readonly string[] | null, exclude?: readonly string[] | null): Digest | null {
    const held = this.base?.list(key);
    const changes = this.base?.changes();
    if (!held || !changes) return null;
    const untracked = new Set(this.snap.untracked);
    if (globs && this.literals(globs, [], []).some((p) => !this.snap.has(p) && !untracked.has(p))) return null;
    const order: ListOrder = (globs ? filterGlobs(this.snap.untracked, globs).length : untracked.size) ? 'js' : 'git';
    const inList = globs ? compileGlobs(globs) : () => true;
    const excluded = exclude ? compileGlobs(exclude) : () => false;
    const mine = new Map<string, Identity | undefined>();
    for (const [p, id] of changes) if (inList(p) && !excluded(p)) mine.set(p, id);
    const list = patchList(held.list, mine, order, keyPath);
    if (!list) return null;
    const digest = bytesDigest(list, '');
    this.base!.keep(key, list, digest, true);
    let listed: string[] | undefined;
    return {
      digest,
      count: list.offsets.length,
      cacheable: list.conflicts === 0,
      paths: () => (listed ??= this.paths(globs, exclude)),
      since: (prev) => this.namesSince(key, prev, (p) => inList(p) && !excluded(p)),
      kept: true,
    };
  }

  private all(): string[] {
    this.everything ??= this.snap.untracked.length ? [...this.snap.tracked, ...this.snap.untracked].sort() : this.snap.tracked;
    return this.everything;
  }

  private literals(globs: readonly string[], tracked: string[], untracked: string[]): string[] {
    const out: string[] = [];
    const negative = globs.filter((g) => g.startsWith('!'));
    const excluded = negative.length ? compileGlobs(negative.map((g) => g.slice(1))) : () => false;
    for (const g of globs) {
      if (g.startsWith('!') || GLOB_CHARS.test(g)) continue;
      const p = g.replace(/^\.\//, '');
      if (!p || excluded(p) || tracked.includes(p) || untracked.includes(p) || out.includes(p)) continue;
      out.push(p);
    }
    return out;
  }

  digest(globs: readonly string[] | null, exclude?: readonly string[] | null): Digest {
    const key = `${globs ? globs.join('\0') : '\0all'}\u0001${exclude ? exclude.join('\0') : ''}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const remembered = this.cache?.get(key);
    let res: Digest;
    if (remembered) {
      let listed: string[] | undefined;
      res = { ...remembered, paths: () => (listed ??= this.paths(globs, exclude)) };
    } else if ((res = this.fromBase(key, globs, exclude)!)) {
      this.cache?.set(key, { digest: res.digest, count: res.count, cacheable: res.cacheable });
    } else {
      const { paths, literal, order } = this.select(globs, exclude);
      let digest: string;
      let cacheable: boolean;
      let kept = false;
      if (this.base && !literal) {
        // Kept for the next run's base: the same records listDigest hashes, so the same digest.
        const list = buildList(paths, (p) => this.snap.identity(p), keyPath, order);
        digest = bytesDigest(list, '');
        cacheable = list.conflicts === 0;
        this.base.keep(key, list, digest, false);
        kept = true;
      } else ({ digest, cacheable } = this.listDigest(paths, ''));
      const inList = globs ? compileGlobs(globs) : () => true;
      const excluded = exclude ? compileGlobs(exclude) : () => false;
      res = { digest, count: paths.length, cacheable, paths: () => paths, kept, ...(kept ? { since: (prev: string) => this.namesSince(key, prev, (p) => inList(p) && !excluded(p)) } : {}) };
      // A literal path outside the snapshot (an ignored `.env`) is not covered by the snapshot's key.
      if (!literal) this.cache?.set(key, { digest, count: paths.length, cacheable });
    }
    this.memo.set(key, res);
    return res;
  }

  /** A digest of (path, mode, blob id) of each path, hashed in chunks rather than one call per path. */
  listDigest(paths: readonly string[], seed: string): { digest: string; cacheable: boolean } {
    let cacheable = true;
    const h = createHash('sha256').update(seed);
    let chunk = '';
    for (const p of paths) {
      const id = this.snap.identity(p);
      if (id.mode === 'conflict') cacheable = false;
      chunk += `${keyPath(p)}\0${id.mode} ${id.oid}\n`;
      if (chunk.length > 65536) {
        h.update(chunk);
        chunk = '';
      }
    }
    return { digest: h.update(chunk).digest('hex'), cacheable };
  }

  manifest(paths: readonly string[]): string {
    let out = '';
    for (const p of paths) out += `${p}\0${this.snap.identity(p).oid}\n`;
    return out;
  }

  identity(path: string, fresh = false): Identity {
    return fresh ? hashWorktreeFile(this.snap.root, path, this.snap.algo) : this.snap.identity(path);
  }
}
