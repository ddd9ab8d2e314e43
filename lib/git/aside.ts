/**
 * File-system steps of putting work aside: moving a path (file, symlink or a
 * whole directory with its untracked content) into heph's folder and back
 * byte for byte, and a signature of what a path holds, to tell whether
 * anything changed it since heph wrote it. All synchronous: they also run from
 * a signal handler.
 */
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';

/**
 * Paths are git's bytes held in latin1 strings (every byte one char), so a
 * name that is not UTF-8 survives; `at` turns one into a file-system path.
 */
export const at = (root: string, rel: string): Buffer => Buffer.concat([Buffer.from(root, 'utf8'), Buffer.from('/'), Buffer.from(rel, 'latin1')]);

/** A byte-string path as people read it. */
export const shown = (rel: string) => Buffer.from(rel, 'latin1').toString('utf8');

const parentOf = (p: Buffer) => p.subarray(0, p.lastIndexOf(0x2f));
const dirname = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.');

/** What a path holds: 'none', 'dir', `file:<x>:<sha1>` or `link:<target>`. */
export function signature(abs: Buffer | string): string {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return 'none';
  }
  if (st.isSymbolicLink()) return `link:${(readlinkSync(abs, { encoding: 'buffer' }) as Buffer).toString('latin1')}`;
  if (st.isDirectory()) return 'dir';
  if (!st.isFile()) return 'other';
  const exec = st.mode & 0o111 ? 'x' : '-';
  return `file:${exec}:${createHash('sha1').update(readFileSync(abs)).digest('hex')}`;
}

/** The kind of what is at `abs`, without following a symlink; null when nothing is. */
export function kindOf(abs: Buffer | string): 'file' | 'dir' | 'link' | 'other' | null {
  try {
    const st = lstatSync(abs);
    return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return null;
  }
}

/**
 * Moves `from` to `to` whole. A rename keeps every byte, mode and inode; across
 * file systems (HEPH_HOME elsewhere) it is a copy then a removal, and a copy
 * that fails (disk full) is undone before the error is thrown.
 */
export function move(from: Buffer | string, to: Buffer | string): void {
  mkdirSync(parentOf(Buffer.from(to)), { recursive: true });
  try {
    renameSync(from, to);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  // A copy that fails removes what it made, never what was there before it.
  if (kindOf(to) !== null) throw Object.assign(new Error(`${Buffer.from(to).toString('latin1')} exists`), { code: 'EEXIST' });
  try {
    if (kindOf(from) === 'link') symlinkSync(readlinkSync(from, { encoding: 'buffer' }) as Buffer, to); // the target's bytes as they are
    // (node's copy takes names as text: a name that is not UTF-8 cannot cross file systems)
    else cpSync(from.toString(), to.toString(), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
  } catch (err) {
    rmSync(to, { recursive: true, force: true });
    throw err;
  }
  rmSync(from, { recursive: true, force: true });
}

/** Removes `abs` when it is not a directory, then its parents up to (and with) `top` while they are empty. */
export function removeWritten(root: string, rel: string, top: string): void {
  const abs = at(root, rel);
  if (kindOf(abs) !== 'dir') rmSync(abs, { force: true });
  let dir = rel;
  while (dir !== top && dir.startsWith(top + '/')) {
    dir = dirname(dir);
    if (!emptyDir(at(root, dir))) return;
    rmdirSync(at(root, dir));
  }
}

function emptyDir(abs: Buffer): boolean {
  try {
    return readdirSync(abs).length === 0;
  } catch {
    return false;
  }
}

/** True when `rel` is `top` or lies under it. */
export const within = (rel: string, top: string) => rel === top || rel.startsWith(top + '/');

/** The highest proper ancestor of `rel` that exists and is not a directory (a file or symlink in a tracked path's way). */
export function blockingAncestor(root: string, rel: string): string | null {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const anc = parts.slice(0, i).join('/');
    const kind = kindOf(at(root, anc));
    if (kind === null) return null;
    if (kind !== 'dir') return anc;
  }
  return null;
}

/** Whether an error is the file system being full (or over quota). */
export const isDiskFull = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException)?.code ?? '');
