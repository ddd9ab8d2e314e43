/**
 * Reading `.heph.json` from a repository that may be hostile: a committed
 * symlink can point at `/dev/zero`, a FIFO or a file outside the repository.
 * Only a regular file inside the repository, of a sane size, is read; and a
 * check's `cwd` may not lead out of the repository through a symlink.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { HephError } from '../errors.js';
import type { ConfigProblem, ResolvedConfig } from './types.js';
import { observeFile, observeReal } from '../replay/observe.js';

/** A config larger than this is not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

function realRoot(file: string): string {
  try {
    return realpathSync(dirname(file));
  } catch {
    return dirname(file);
  }
}

export function readConfigFile(file: string): string {
  const hint = 'run `heph init` to write one';
  let real: string;
  observeFile(file);
  try {
    real = realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HephError('config', code === 'ENOENT' ? `no config file at ${file}` : `cannot read ${file}: ${(e as Error).message}`, hint);
  }
  if (!inside(realRoot(file), real)) throw new HephError('config', `${file} leads outside the repository (to ${real}); heph reads only a config inside it`, 'make .heph.json a regular file in the repository');
  return readRegularFile(real, file);
}

/**
 * Reads a file that must be a regular file of at most MAX_CONFIG_BYTES
 * (a config, or a set it extends): never a device, a FIFO or a huge file.
 * @param shown the name used in messages
 */
export function readRegularFile(real: string, shown = real): string {
  const file = shown;
  const hint = 'a config is a regular JSON file';
  let fd: number;
  observeFile(real);
  try {
    // Non-blocking, so a FIFO cannot stall the open; it is refused just below.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new HephError('config', `cannot read ${file}: ${(e as Error).message}`, hint);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HephError('config', `${file} is not a regular file`, 'make .heph.json a regular file in the repository');
    if (st.size > MAX_CONFIG_BYTES) throw new HephError('config', `${file} is ${st.size} bytes; a config is at most ${MAX_CONFIG_BYTES}`, 'is this the right file?');
    // Read at most the cap even if the file grows while we read.
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > MAX_CONFIG_BYTES) throw new HephError('config', `${file} is more than ${MAX_CONFIG_BYTES} bytes; a config is at most that`, 'is this the right file?');
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Checks whose `cwd` resolves (through symlinks) outside the repository holding `file`. */
export function cwdProblems(config: ResolvedConfig): ConfigProblem[] {
  const root = realRoot(config.file);
  const out: ConfigProblem[] = [];
  config.phases.forEach((phase, i) =>
    phase.checks.forEach((check, j) => {
      if (!check.cwd) return;
      let real: string;
      observeReal(join(dirname(config.file), check.cwd));
      try {
        real = realpathSync(join(dirname(config.file), check.cwd));
      } catch {
        return; // a directory that does not exist yet: the check fails when it starts
      }
      if (!inside(root, real)) out.push({ path: `phases[${i}].checks[${j}].cwd`, expected: 'a directory inside the repository', found: `${JSON.stringify(check.cwd)}, which leads to ${real}` });
    }),
  );
  return out;
}
