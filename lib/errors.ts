/**
 * Error kinds heph can end with, and the one table that maps them (and check
 * outcomes) to process exit codes. Only cli.ts turns these into an exit code.
 */
/** `sigint`/`sigterm`: interrupted before any check started (while waiting for the lock). */
/** `unwritable`: a pre-commit had unstaged changes to put aside and heph's folder cannot be written. */
export type ErrorKind = 'usage' | 'config' | 'lock' | 'disk' | 'unwritable' | 'git' | 'internal' | 'sigint' | 'sigterm';

export const EXIT = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  config: 2,
  lock: 3,
  disk: 4,
  unwritable: 5,
  git: 2,
  internal: 70,
  sigint: 130,
  sigterm: 143,
} as const;

/** Marks heph's errors across bundles: each lazy bundle (dist/*.cjs) carries its own copy of this class. */
const BRAND = Symbol.for('heph.HephError');

/** An expected failure with a message fit for the user and, where known, how to fix it. */
export class HephError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  static override [Symbol.hasInstance](x: unknown): boolean {
    return !!x && (x as Record<symbol, unknown>)[BRAND] === true;
  }
  constructor(kind: ErrorKind, message: string, hint?: string) {
    super(message);
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
    this.name = 'HephError';
    this.kind = kind;
    this.hint = hint;
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof HephError) return EXIT[err.kind];
  return EXIT.internal;
}
