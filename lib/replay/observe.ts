/**
 * What a run read from outside the index file, as it read it, for the replay
 * record (replay/write.ts): the output of each git listing whose answer the
 * plan used, and the identity of each file read from disk. Taken at the
 * moment of reading, never afterwards: a file changed between the plan and
 * the record must not be recorded with the verdict of its older content.
 *
 * Kept on globalThis: the entry point (which starts git early) and the CLI
 * bundle each carry their own copy of this module.
 */
import { lstatSync, realpathSync, type BigIntStats } from 'node:fs';

export interface Observed {
  /** git's argument list (joined by NUL) → its stdout as latin1, or null when two reads disagreed. */
  git: Map<string, string | null>;
  /**
   * What was looked at → what was seen, or null when it cannot vouch for what was read (a directory's
   * content, two readings that differ). Keys are a kind and the path's bytes in hex: `f:` a file's
   * identity, `r:` where a path leads (realpath).
   */
  files: Map<string, { id: string; newest: bigint } | null>;
}

const KEY = Symbol.for('heph.replayObserved');
const g = globalThis as { [KEY]?: Observed };

export function observed(): Observed {
  return (g[KEY] ??= { git: new Map(), files: new Map() });
}

/** Forgets everything observed (a run read again after waiting for the lock). */
export function resetObserved(): void {
  g[KEY] = { git: new Map(), files: new Map() };
}

export function observeGit(args: readonly string[], stdout: Buffer): void {
  const key = args.join('\0');
  const text = stdout.toString('latin1');
  const seen = observed().git;
  seen.set(key, seen.has(key) && seen.get(key) !== text ? null : text);
}

/** What tells one version of a file from another without reading it; 'absent' when there is none. */
export function identityOf(st: BigIntStats | undefined): string {
  return st ? `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : 'absent';
}

/** Takes a file's identity before its content is read (`path` as the fs APIs take it). */
export function observeFile(path: string | Buffer): void {
  let st: BigIntStats | undefined;
  try {
    st = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  const newest = st ? (st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) : 0n;
  // A directory's content is not in its identity (a nested repository's HEAD, for one).
  note(`f:${Buffer.from(path).toString('hex')}`, st?.isDirectory() ? null : { id: identityOf(st), newest });
}

/** Where a path leads once symlinks are followed ('missing' when it does not exist). */
export function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return 'missing';
  }
}

/** Notes where a path leads (a check's `cwd`, which must stay inside the repository). */
export function observeReal(path: string): void {
  note(`r:${Buffer.from(path).toString('hex')}`, { id: realOf(path), newest: 0n });
}

function note(key: string, seen: { id: string; newest: bigint } | null): void {
  const files = observed().files;
  const prev = files.get(key);
  files.set(key, seen && (prev === undefined || prev?.id === seen.id) ? seen : null);
}
