/**
 * Where `heph init` writes a `.heph.json`: only a regular file or nothing. A
 * symlink is never followed (it can point outside the repository, or at a
 * file shared with other repositories) and never replaced (it is the user's,
 * often tracked: turning it into a file would be a change they did not ask
 * for); a folder, FIFO or device is not a config. Either is refused, with
 * exit 2, before anything is written.
 */
import { closeSync, constants, lstatSync, openSync, readlinkSync, writeFileSync } from 'node:fs';
import { HephError } from '../errors.js';

/** What stands at `file`: nothing, a regular file, or a description of what is refused. */
function standing(file: string): 'none' | 'file' | string {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return 'none';
  }
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) {
    let target = '';
    try {
      target = ` to ${readlinkSync(file)}`;
    } catch {
      /* unreadable link: named without its target */
    }
    return `a symbolic link${target}`;
  }
  return st.isDirectory() ? 'a folder' : 'not a regular file';
}

const refused = (shown: string, what: string) =>
  new HephError('usage', `${shown} is ${what}; heph init writes only a regular file, never through a link or over anything else`, `remove it (rm ${JSON.stringify(shown)}) and run heph init again, or edit the file it points to yourself`);

/** Whether anything stands at `file`, a dangling link included (existsSync would follow it and say no). */
export const occupied = (file: string): boolean => standing(file) !== 'none';

/** Refuses what heph init must not write at `file`; true when a regular file is there. */
export function checkConfigTarget(file: string, shown: string): boolean {
  const what = standing(file);
  if (what === 'none') return false;
  if (what === 'file') return true;
  throw refused(shown, what);
}

/** Writes `text` at `file`, which must be a regular file or nothing: a link put there meanwhile is not followed. */
export function writeConfigFile(file: string, shown: string, text: string): void {
  checkConfigTarget(file, shown);
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw refused(shown, 'a symbolic link');
    throw err;
  }
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
