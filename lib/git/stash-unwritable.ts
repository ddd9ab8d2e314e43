/**
 * When heph's folder cannot take a pre-commit's unstaged changes (read-only,
 * no permission, a file where a folder should be), the commit is refused
 * before anything moves. Refusing is the safe choice: the checks must see only
 * what is staged, so the changes have to go somewhere, and the next heph
 * command looks for a killed run's changes in heph's folder only.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HephError } from '../errors.js';
import { isDiskFull } from './aside.js';

/** A file-system error (not a full disk) before anything moved: heph's folder cannot take the changes. */
export const cannotWrite = (err: unknown) => typeof (err as NodeJS.ErrnoException)?.syscall === 'string' && !isDiskFull(err);

/** Why `dir` cannot be written, in a word: a recursive mkdir on a read-only mount says ENOENT, access() says EROFS. */
function whyUnwritable(dir: string, err: unknown): string {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    if (!statSync(at).isDirectory()) return `${at} is not a folder`;
    accessSync(at, constants.W_OK);
  } catch (e) {
    return String((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  return String((err as NodeJS.ErrnoException).code);
}

export const unwritableError = (hephDir: string, err: unknown) =>
  new HephError(
    'unwritable',
    `heph's folder ${hephDir} cannot be written (${whyUnwritable(join(hephDir, 'stash'), err)}): the unstaged changes could not be put aside while the checks run on what is staged, so the commit was stopped and nothing was changed`,
    'make that folder writable (or point HEPH_HOME at a folder that is) and commit again; or skip the checks once: HEPH=0 git commit',
  );
