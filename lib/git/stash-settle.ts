/**
 * Putting back what the stash moved aside, path by path, without ever dropping
 * bytes: a path that still holds what heph wrote (or the staged content) gets
 * the user's version back; a fixed file is merged with the user's version; a
 * path changed since heph wrote it keeps its newer content and the user's
 * version is kept as a copy in heph's folder. Used by the hook itself and, after
 * a kill, by the next heph command.
 */
import { chmodSync, lstatSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { at, kindOf, shown, move, removeWritten, signature } from './aside.js';
import { gitSync } from './stash-git.js';
import { algoOf, blobId } from './snapshot.js';

/** One thing moved aside and the tracked paths heph checked out in its place. */
export interface Entry {
  /** Relative path that was moved: a changed path, or the file standing where a tracked directory was. */
  path: string;
  /** Its name inside the stash folder; null when nothing was there (a deletion). */
  aside: string | null;
  /** The changed tracked paths at or under `path` that heph checked out. */
  paths: string[];
  /** Intent-to-add paths at or under `path`: moved, never checked out. */
  ita: string[];
  /** What heph wrote at each of `paths` (a signature), once it had. */
  wrote: Record<string, string>;
}

export interface Manifest {
  version: 2;
  /** The worktree and the git dir it belongs to: only there is it ever put back. */
  root: string;
  gitDir: string;
  entries: Entry[];
  /** The staged blob of each index entry when the changes were put aside. */
  staged: Record<string, string>;
}

export interface Kept {
  /** The path that changed while the hook ran (its newer content stays). */
  path: string;
  /** Where the user's version from before the hook is. */
  copy: string;
}

export interface Settled {
  dropped: string[];
  kept: Kept[];
  /** Paths a fix rewrote whose unstaged version could not be merged with it: the user's version is back, the fix's at `copy`. */
  fixKept: Kept[];
  /** False when something could not be put back: the stash folder stays. */
  complete: boolean;
}

/** Whether the path holds the staged content (what a checkout writes, filters applied). */
function holdsStaged(root: string, rel: string, blob: string | undefined): boolean {
  if (!blob) return false;
  const abs = at(root, rel);
  const kind = kindOf(abs);
  if (kind === 'link') return blobId(readlinkSync(abs, { encoding: 'buffer' }) as Buffer, algoOf(blob)) === blob;
  if (kind !== 'file' || rel.includes('\n')) return false;
  // The name goes on stdin (bytes, not an argument); git applies its attributes as a checkout would.
  const r = gitSync(root, ['hash-object', '--stdin-paths'], Buffer.from(rel + '\n', 'latin1'), false);
  return r.code === 0 && r.stdout.toString().trim() === blob;
}

/** `git merge-file` of (ours = fixed, base = staged original, theirs = user's); null on conflict. */
function mergeThreeWay(root: string, dir: string, ours: Buffer, base: Buffer, theirs: Buffer): Buffer | null {
  const [o, b, t] = ['ours', 'base', 'theirs'].map((n) => join(dir, `merge-${n}`));
  try {
    writeFileSync(o, ours, { mode: 0o600 });
    writeFileSync(b, base, { mode: 0o600 });
    writeFileSync(t, theirs, { mode: 0o600 });
    const r = gitSync(root, ['merge-file', '-p', o, b, t]);
    return r.code === 0 ? r.stdout : null;
  } finally {
    for (const f of [o, b, t]) rmSync(f, { force: true });
  }
}

/**
 * `touched`: paths with unstaged changes that a fix may have rewritten without
 * them being staged (a whole-project fix ran); see settleTouched.
 */
export function settle(m: Manifest, dir: string, keptDir: string, fixed: readonly string[], touched: readonly string[] = []): Settled {
  const out: Settled = { dropped: [], kept: [], fixKept: [], complete: true };
  for (const e of [...m.entries].reverse()) {
    try {
      settleEntry(m, e, dir, keptDir, fixed, touched, out);
    } catch {
      out.complete = false;
    }
  }
  return out;
}

function settleEntry(m: Manifest, e: Entry, dir: string, keptDir: string, fixed: readonly string[], touched: readonly string[], out: Settled): void {
  const { root } = m;
  const aside = e.aside ? join(dir, e.aside) : null;
  // Already back, or killed before it moved: the user's version is where it belongs.
  if (aside && kindOf(aside) === null) return;
  const target = at(root, e.path);
  const state = (p: string) => {
    const now = signature(at(root, p));
    if (now === 'none') return 'none';
    if (now === e.wrote[p] || holdsStaged(root, p, m.staged[p])) return 'heph';
    return fixed.includes(p) ? 'fixed' : 'changed';
  };
  const states = e.paths.map(state);
  const changedIta = e.ita.some((p) => kindOf(at(root, p)) !== null);
  if (!changedIta && states.includes('changed') && settleTouched(m, e, aside, dir, keptDir, states, touched, out)) return;
  if (states.includes('changed') || changedIta) return keep(e, aside, keptDir, out);
  if (states.includes('fixed')) {
    if (mergeFixed(m, e, aside, dir)) return;
    out.dropped.push(...e.paths.filter((_, i) => states[i] === 'fixed'));
  }
  for (const p of e.paths) removeWritten(root, p, e.path);
  if (!aside) return;
  if (kindOf(target) !== null) return keep(e, aside, keptDir, out); // something new stands there
  move(aside, target);
}

/** The newer content stays; the user's version from before the hook is kept as a copy. */
function keep(e: Entry, aside: string | null, keptDir: string, out: Settled): void {
  if (!aside) return;
  move(aside, at(keptDir, e.path));
  out.kept.push({ path: shown(e.path), copy: shown(at(keptDir, e.path).toString('latin1')) });
}

/**
 * The staged blob as a checkout writes it (line endings, smudge filters), so
 * that it is a fair base for the fixed file and the user's version: with
 * `core.autocrlf` a raw blob differs from both on every line.
 */
function stagedAsCheckedOut(root: string, rel: string, blob: string): Buffer | null {
  if (!rel.includes('\n')) {
    const r = gitSync(root, ['cat-file', '--batch', '--filters'], Buffer.from(`${blob} ${rel}\n`, 'latin1'), false);
    // One object: its content is all between the header and the final newline (the header's
    // size is the blob's before conversion, so it cannot be used).
    const nl = r.stdout.indexOf(0x0a);
    if (r.code === 0 && nl > 0 && / blob \d+$/.test(r.stdout.subarray(0, nl).toString('latin1'))) return r.stdout.subarray(nl + 1, r.stdout.length - 1);
  }
  const raw = gitSync(root, ['cat-file', 'blob', blob]);
  return raw.code === 0 ? raw.stdout : null;
}

/** A fixed regular file with the user's version aside: a clean three-way merge keeps both. True when done. */
function mergeFixed(m: Manifest, e: Entry, aside: string | null, dir: string): boolean {
  const target = at(m.root, e.path);
  if (!aside || e.paths.length !== 1 || e.paths[0] !== e.path || kindOf(aside) !== 'file' || kindOf(target) !== 'file') return false;
  const blob = m.staged[e.path];
  if (!blob) return false;
  const base = stagedAsCheckedOut(m.root, e.path, blob);
  if (!base) return false;
  const merged = mergeThreeWay(m.root, dir, readFileSync(target), base, readFileSync(aside));
  if (!merged) return false;
  const tmp = aside + '.merged';
  const mode = lstatSync(aside).mode & 0o7777;
  writeFileSync(tmp, merged);
  chmodSync(tmp, mode);
  try {
    renameSync(tmp, target); // replaces the fixed file in one step
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // heph's folder is on another file system: written in place (the user's version stays aside until done).
    writeFileSync(target, merged);
    chmodSync(target, mode);
    rmSync(tmp, { force: true });
  }
  rmSync(aside, { force: true });
  return true;
}

/**
 * A path a fix rewrote although the user's changes to it were not staged (a
 * whole-project fix): a regular file gets the fix and the user's edit merged
 * when they touch different lines; otherwise the user's version (a deletion
 * too) comes back and the fix's version is kept in heph's folder and named.
 * The fix's version can be made again; the user's cannot. False when some
 * changed path was not touched by a fix: it is kept as an edit made during the hook.
 */
function settleTouched(m: Manifest, e: Entry, aside: string | null, dir: string, keptDir: string, states: string[], touched: readonly string[], out: Settled): boolean {
  if (!e.paths.every((p, i) => states[i] !== 'changed' || touched.includes(p))) return false;
  if (aside && mergeFixed(m, e, aside, dir)) return true;
  for (const [i, p] of e.paths.entries()) {
    if (states[i] !== 'changed') continue;
    const copy = at(keptDir, p);
    move(at(m.root, p), copy);
    out.fixKept.push({ path: shown(p), copy: shown(copy.toString('latin1')) });
  }
  for (const p of e.paths) removeWritten(m.root, p, e.path);
  if (!aside) return true;
  if (kindOf(at(m.root, e.path)) !== null) keep(e, aside, keptDir, out); // something new stands there
  else move(aside, at(m.root, e.path));
  return true;
}
