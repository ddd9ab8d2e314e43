/**
 * Glob matching for `files` and `inputs`. A pattern without a slash matches a
 * file name at any depth (`*.py`), like .gitignore and lint-staged; `!pattern`
 * excludes. Dotfiles match.
 */
import picomatch from 'picomatch';

export type Matcher = (path: string) => boolean;

const cache = new Map<string, Matcher>();

export function compileGlobs(patterns: readonly string[]): Matcher {
  const key = patterns.join('\0');
  const hit = cache.get(key);
  if (hit) return hit;
  const pos: Matcher[] = [];
  const neg: Matcher[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const p = (negated ? raw.slice(1) : raw).replace(/^\.\//, '');
    const m = picomatch(p, { dot: true, basename: !p.includes('/') });
    (negated ? neg : pos).push(m);
  }
  const matcher: Matcher = (path) => pos.some((m) => m(path)) && !neg.some((m) => m(path));
  cache.set(key, matcher);
  return matcher;
}

export function filterGlobs(paths: readonly string[], patterns: readonly string[]): string[] {
  const m = compileGlobs(patterns);
  return paths.filter(m);
}
