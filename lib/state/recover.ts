/**
 * What to do with a state file SQLite refuses. State is a cache: a broken file
 * is moved aside (kept for a bug report) and a fresh one is started, because a
 * cache must never stop a commit. A file that is merely busy belongs to a live
 * process and is left alone.
 */
import { existsSync, renameSync } from 'node:fs';

export type Failure = 'busy' | 'broken';

/** SQLITE_BUSY/LOCKED: a live process holds the file; anything else means the file cannot be used. */
export function classify(err: unknown): Failure {
  const code = String((err as { code?: string })?.code ?? '');
  const msg = String((err as Error)?.message ?? '');
  return /SQLITE_(BUSY|LOCKED)/.test(code + ' ' + msg) ? 'busy' : 'broken';
}

/** Whether an error met while reading or writing means the file itself is damaged. */
export function isCorruption(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ''} ${(err as Error)?.message ?? ''}`;
  return /SQLITE_(CORRUPT|NOTADB)/.test(text);
}

export function asideName(file: string, now = new Date()): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Moves the file and its -wal/-shm aside; returns the new name, or throws if it could not. */
export function moveAside(file: string): string {
  const aside = asideName(file);
  if (existsSync(file)) renameSync(file, aside);
  for (const ext of ['-wal', '-shm', '-journal']) if (existsSync(file + ext)) renameSync(file + ext, aside + ext);
  return aside;
}

export const why = (err: unknown): string => (err as Error)?.message ?? String(err);
