/**
 * A member's globs and directories are written relative to the member; the
 * rest of heph works with paths relative to the repository root. These pure
 * helpers move them over.
 */
import { posix } from 'node:path';

/** A directory name as a glob that matches only itself (its metacharacters escaped). */
export const literalGlob = (dir: string) => dir.replace(/[\\*?[\]{}!]/g, (c) => '\\' + c);

/**
 * One member glob as a root glob: `*.ts` (any depth) → `dir/**\/*.ts`,
 * `src/**` → `dir/src/**`, `../package-lock.json` → `./package-lock.json`
 * (the root's), `/tsconfig.base.json` (leading slash: from the repository root)
 * → `./tsconfig.base.json`, `/configs/*.json` → `configs/*.json`.
 * Null when it leaves the repository.
 */
export function rebaseGlob(dir: string, glob: string): string | null {
  const negated = glob.startsWith('!');
  let g = (negated ? glob.slice(1) : glob).replace(/^\.\//, '');
  if (g.startsWith('/')) g = g.replace(/^\/+/, '');
  else if (g.startsWith('../')) {
    g = posix.normalize(posix.join(dir, g));
    if (g === '..' || g.startsWith('../')) return null;
  } else g = `${literalGlob(dir)}/${g.includes('/') ? g : `**/${g}`}`;
  // A path from the root without a slash names the root's file (`./package-lock.json`), not that name at any depth.
  if (!g.includes('/')) g = `./${g}`;
  return (negated ? '!' : '') + g;
}

/** Whether a rebased glob points inside the member (then the member's directory already covers it). */
export const insideMember = (dir: string, rebased: string) => rebased.replace(/^!/, '').startsWith(`${literalGlob(dir)}/`);

/** A check's `cwd` inside a member, relative to the root; null when it leaves the member's repository. */
export function rebaseCwd(dir: string, cwd: string): string | null {
  const joined = posix.normalize(posix.join(dir, cwd || '.'));
  if (joined === '..' || joined.startsWith('../')) return null;
  return joined === '.' ? '' : joined;
}
