/**
 * Puts unstaged changes aside while a pre-commit hook's checks run, so they see
 * exactly what will be committed, and always puts them back.
 *
 * Every path whose working-tree state differs from the index (the index git
 * points us at: a temporary one during `commit -a` or `commit <paths>`) is
 * moved whole into heph's folder: a file, a symlink, a directory that replaced
 * a tracked file (with its untracked content), or a file standing where a
 * tracked directory was. Then the staged versions are checked out in their
 * place. Putting back is the reverse rename, so every byte, mode and type comes
 * back as it was. A manifest written before anything moves records where each
 * path went, which worktree it belongs to, and what heph wrote in its place:
 * a path that no longer holds what heph wrote was changed while the hook ran
 * (an editor saving), and that newer content stays while the user's earlier
 * version is kept in heph's folder and named. A fixed file is merged three
 * ways (the staged original as base, the fix, the user's version): a clean
 * merge keeps both; a conflict keeps the user's version (the fix is staged).
 * A binary patch of the changes is also written, for `heph rollback` and for
 * people. A run killed meanwhile is settled by the next heph command run in
 * the same worktree, never elsewhere.
 *
 * Every step is synchronous so that it can run from a signal handler.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HephError } from '../errors.js';
import { at, blockingAncestor, isDiskFull, kindOf, move, signature } from './aside.js';
import { gitAsync, gitSync, HARD_DIFF, pathsInput, split0 } from './stash-git.js';
import { assumedChanges, type AssumedEntry } from './stash-assumed.js';
import { eachStageEntry } from './ls-files.js';
import { settle, type Entry, type Kept, type Manifest } from './stash-settle.js';
import { cannotWrite, unwritableError } from './stash-unwritable.js';

export type { Kept } from './stash-settle.js';

const STATE_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_AUTOSTASH', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'SQUASH_MSG'];

export interface RestoreOutcome {
  /** Files whose fixer edits were dropped from the working tree to bring back the user's changes. */
  dropped: string[];
  /** Paths changed while the hook ran: the newer content stayed, the user's earlier version is at `copy`. */
  kept: Kept[];
  /** Paths a fix rewrote whose unstaged version could not be merged with it: the user's version is back, the fix's at `copy`. */
  fixKept: Kept[];
  /** The stash folder, when something could not be put back (it stays for the next heph command). */
  incomplete: string | null;
}

const realGitDir = (gitDir: string) => {
  try {
    return realpathSync(gitDir);
  } catch {
    return gitDir;
  }
};

/** Writes `file` through a temporary name; a full disk removes the temporary and says so. */
function writeDurably(file: string, content: Buffer | string): void {
  try {
    writeFileSync(file + '.tmp', content, { mode: 0o600 });
    renameSync(file + '.tmp', file);
  } catch (err) {
    rmSync(file + '.tmp', { force: true });
    throw err;
  }
}

const diskError = (dir: string) =>
  new HephError('disk', `no space left on the device holding ${dir}: unstaged changes could not be put aside, and nothing was changed`, 'free some space there (or point HEPH_HOME at another disk), then commit again');

export class UnstagedStash {
  private restored = false;
  private saved = new Map<string, Buffer>();

  private constructor(
    private readonly manifest: Manifest,
    /** Where the moved paths and the manifest live. */
    private readonly dir: string,
    /** Where copies of paths changed during the hook are kept. */
    private readonly keptDir: string,
    /** The patch of the changes, for `heph rollback` and people. */
    readonly patchFile: string,
  ) {}

  /** Files whose unstaged changes were put aside. */
  get files(): string[] {
    return this.manifest.entries.flatMap((e) => e.paths);
  }

  /** Intent-to-add paths: never staged, never checked out. */
  get intentToAdd(): string[] {
    return this.manifest.entries.flatMap((e) => e.ita);
  }

  /**
   * What `create` looks at first, started ahead of it: the paths of `scope`
   * whose working-tree state differs from the index (git's name-status list).
   * Only valid while no other run can have changes aside (the caller holds
   * heph's lock), and given to `create` with the same scope.
   */
  static scan(root: string, scope: readonly string[]): Promise<Buffer> {
    // No preload: its threads (up to 20 over a large index) cost more than they save on a scope's few files.
    return gitAsync(root, ['diff', '--name-status', '-z', ...HARD_DIFF, '--', ...scope], ['core.preloadIndex=false']).then((r) => r.stdout);
  }

  /**
   * Puts unstaged changes aside; null when there are none. `scope`: literal
   * paths (directories and files) to look at; changes elsewhere stay where
   * they are. null: the whole tree. `scanned`: what `scan` gave for this scope.
   */
  static create(root: string, gitDir: string, hephDir: string, scope: readonly string[] | null = null, scanned?: Buffer, assumed: readonly AssumedEntry[] = []): UnstagedStash | null {
    const only = scope ? ['--', ...scope] : [];
    let listed = scanned;
    if (!listed) {
      const status = gitSync(root, ['diff', '--name-status', '-z', ...HARD_DIFF, ...only]);
      if (status.code !== 0) throw new Error(`git diff failed: ${status.stderr.trim()}`);
      listed = status.stdout;
    }
    const recs = split0(listed);
    const changed: [string, string][] = [];
    for (let i = 0; i + 1 < recs.length; i += 2) changed.push([recs[i], recs[i + 1]]);
    // Edited files marked assume-unchanged, which git's diff does not name.
    const listedPaths = new Set(changed.map(([, p]) => p));
    for (const c of assumedChanges(root, assumed, scope)) if (!listedPaths.has(c[1])) changed.push(c);
    if (!changed.length) return null;
    const stashDir = join(hephDir, 'stash');
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
    const dir = join(stashDir, `${id}.d`);
    const patchFile = join(stashDir, `${id}.patch`);
    const manifest: Manifest = { version: 2, root, gitDir: realGitDir(gitDir), entries: entriesFor(root, changed), staged: stagedBlobs(root, only) };
    const stash = new UnstagedStash(manifest, dir, join(hephDir, 'kept', id), patchFile);
    try {
      const patch = gitSync(root, ['diff', '--binary', '--full-index', ...HARD_DIFF, ...only]);
      if (patch.code !== 0) throw new Error(`git diff --binary failed: ${patch.stderr.trim()}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeDurably(patchFile, patch.stdout);
      stash.writeManifest();
    } catch (err) {
      if (cannotWrite(err)) {
        // Nothing was moved, and nothing could be written where the patch and manifest would go.
        try {
          stash.discard();
        } catch {
          /* a file where the folder should be: there is nothing of ours to remove */
        }
        throw unwritableError(hephDir, err);
      }
      stash.discard();
      throw isDiskFull(err) ? diskError(stashDir) : err;
    }
    stash.saveStateFiles();
    try {
      stash.moveAside();
    } catch (err) {
      stash.restore([]);
      throw isDiskFull(err) ? diskError(stashDir) : new Error(`could not put unstaged changes aside: ${(err as Error).message}`);
    }
    const out = manifest.entries.flatMap((e) => e.paths);
    const co = out.length ? gitSync(root, ['checkout', '-q', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], pathsInput(out), false) : { code: 0, stderr: '' };
    if (co.code !== 0) {
      stash.restore([]);
      throw new Error(`could not put unstaged changes aside: ${co.stderr.trim()}`);
    }
    for (const e of manifest.entries) for (const p of e.paths) e.wrote[p] = signature(at(root, p));
    try {
      stash.writeManifest();
    } catch {
      /* the first manifest is enough to settle: what heph wrote is then compared with the staged blobs */
    }
    return stash;
  }

  private writeManifest(): void {
    writeDurably(join(this.dir, 'manifest.json'), JSON.stringify(this.manifest));
  }

  private discard(): void {
    // The patch before the folder: a kill in between must not leave a patch that looks like an older heph's.
    rmSync(this.patchFile, { force: true });
    rmSync(this.patchFile + '.tmp', { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private moveAside(): void {
    for (const e of this.manifest.entries) {
      if (e.aside) move(at(this.manifest.root, e.path), join(this.dir, e.aside));
    }
  }

  private saveStateFiles(): void {
    for (const f of STATE_FILES) {
      const p = join(this.manifest.gitDir, f);
      if (existsSync(p)) this.saved.set(f, readFileSync(p));
    }
  }

  private restoreStateFiles(): void {
    for (const [f, content] of this.saved) writeFileSync(join(this.manifest.gitDir, f), content);
  }

  /**
   * Brings the unstaged changes back. `fixed` are files a fixer changed (already
   * re-staged by the caller).
   */
  restore(fixed: readonly string[], touched: readonly string[] = []): RestoreOutcome {
    if (this.restored) return { dropped: [], kept: [], fixKept: [], incomplete: null };
    this.restored = true;
    const outcome = settle(this.manifest, this.dir, this.keptDir, fixed, touched);
    this.restoreStateFiles();
    // Leave the index as fresh as git would: the files moved back have new stat data. Only theirs: the
    // whole index's refresh would stat every file of a large repository (a path git no longer lists
    // fails the refresh, which leaves stat data stale, never content).
    const moved = this.manifest.entries.flatMap((e) => e.paths);
    if (moved.length) gitSync(this.manifest.root, ['add', '--refresh', '--pathspec-from-file=-', '--pathspec-file-nul'], pathsInput(moved), false);
    if (outcome.complete) this.discard();
    return { ...outcome, incomplete: outcome.complete ? null : this.dir };
  }
}

function readdirSafe(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch {
    return null;
  }
}

/**
 * The staged blob of every index entry in the scope (`only`: `--` and its paths; empty: the whole
 * index), to recognise what heph checked out after a kill. The paths put aside lie in the scope: a
 * large repository's other entries would only make the manifest megabytes long.
 */
function stagedBlobs(root: string, only: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  eachStageEntry(gitSync(root, ['ls-files', '-s', '-z', ...only]).stdout.toString('latin1'), (_mode, oid, _stage, path) => (out[path] = oid));
  return out;
}

/**
 * Groups the changed paths by what must move: the path itself, or the file or
 * symlink that stands where a tracked directory was (moved once for all the
 * tracked paths under it).
 */
function entriesFor(root: string, changed: [string, string][]): Entry[] {
  const entries = new Map<string, Entry>();
  let n = 0;
  for (const [status, path] of changed) {
    const top = blockingAncestor(root, path) ?? path;
    let e = entries.get(top);
    if (!e) {
      e = { path: top, aside: kindOf(at(root, top)) ? `aside/${n++}` : null, paths: [], ita: [], wrote: {} };
      entries.set(top, e);
    }
    // An intent-to-add entry has no staged content to check out.
    (status === 'A' ? e.ita : e.paths).push(path);
  }
  return [...entries.values()];
}

/** Whether a killed run left changes of this worktree aside (a cheap look, before any lock). */
export function pendingStash(gitDir: string, hephDir: string): boolean {
  const stashDir = join(hephDir, 'stash');
  const mine = realGitDir(gitDir);
  return (readdirSafe(stashDir) ?? []).some((name) => {
    if (!name.endsWith('.d')) return false;
    try {
      return (JSON.parse(readFileSync(join(stashDir, name, 'manifest.json'), 'utf8')) as Manifest).gitDir === mine;
    } catch {
      return false;
    }
  });
}

/**
 * Settles what killed runs left aside in this worktree (never another's: the
 * manifest names its git dir). Returns what happened, for the caller to report.
 */
export function recoverStashes(root: string, gitDir: string, hephDir: string): { restored: string[]; kept: string[]; copies: Kept[]; orphans: Orphan[] } {
  const stashDir = join(hephDir, 'stash');
  const out = { restored: [] as string[], kept: [] as string[], copies: [] as Kept[], orphans: [] as Orphan[] };
  const names = (readdirSafe(stashDir) ?? []).sort();
  const mine = realGitDir(gitDir);
  for (const name of names) {
    if (name.endsWith('.patch') && !names.includes(name.replace(/\.patch$/, '.d'))) {
      out.kept.push(join(stashDir, name)); // from an older heph: its worktree is unknown, so it is only reported
      continue;
    }
    if (!name.endsWith('.d')) continue;
    const dir = join(stashDir, name);
    let manifest: Manifest;
    const id = name.slice(0, -2);
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      // Killed before the manifest existed: nothing was moved yet, and the lock proves its run is gone.
      for (const f of [join(stashDir, `${id}.patch`), join(stashDir, `${id}.patch.tmp`), dir]) rmSync(f, { recursive: true, force: true });
      continue;
    }
    if (manifest.gitDir !== mine) {
      if (orphaned(manifest)) out.orphans.push({ dir, root: manifest.root });
      continue;
    }
    const res = settle(manifest, dir, join(hephDir, 'kept', id), []);
    out.copies.push(...res.kept);
    gitSync(root, ['update-index', '-q', '--refresh'], undefined, false);
    if (res.complete) {
      rmSync(join(stashDir, `${id}.patch`), { force: true });
      rmSync(dir, { recursive: true, force: true });
      out.restored.push(join(stashDir, `${id}.patch`));
    } else out.kept.push(dir);
  }
  return out;
}

/** A killed run's work whose worktree is gone (moved, renamed or removed): it can only be reported. */
export interface Orphan {
  dir: string;
  /** Where the worktree was. */
  root: string;
}

/** Whether the worktree a manifest belongs to no longer exists: nothing would ever settle it. */
function orphaned(m: Manifest): boolean {
  return !existsSync(m.gitDir);
}
