/** Where heph itself is installed. */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json, dist/ and hooks/. */
export function packageRoot(): string {
  // In the bundle, __dirname is dist/; from compiled sources, this file is build/lib/paths.js.
  if (typeof __dirname === 'string') return dirname(__dirname);
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The CLI entry that hooks should run: the real file behind the command that started us. */
export function cliEntry(): string {
  const started = process.argv[1];
  try {
    return started ? realpathSync(started) : join(packageRoot(), 'dist', 'cli.cjs');
  } catch {
    return join(packageRoot(), 'dist', 'cli.cjs');
  }
}

/** Whether `cmd` (a bare name or a path) can be run from `cwd`. */
export function onPath(cmd: string, cwd: string, env = process.env): boolean {
  const can = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) return can(isAbsolute(cmd) ? cmd : join(cwd, cmd));
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && can(join(dir, cmd)));
}
