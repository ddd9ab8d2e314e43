/**
 * Glob matching for `files` and `inputs`. A pattern without a slash matches a
 * file name at any depth (`*.py`), like .gitignore and lint-staged; `!pattern`
 * excludes. Dotfiles match. Each list compiles to one regular expression per
 * polarity, so matching 10,000 paths is one regex test per path.
 */
import picomatch from 'picomatch';

export type Matcher = (path: string) => boolean;

const cache = new Map<string, Matcher>();

function toRegex(patterns: string[]): RegExp | null {
  if (!patterns.length) return null;
  const sources = patterns.map((p) => {
    const anyDepth = p.includes('/') ? p : `**/${p}`;
    return picomatch.makeRe(anyDepth, { dot: true }).source;
  });
  return new RegExp(sources.map((s) => `(?:${s})`).join('|'));
}

export function compileGlobs(patterns: readonly string[]): Matcher {
  const key = patterns.join('\0');
  const hit = cache.get(key);
  if (hit) return hit;
  const clean = (p: string) => p.replace(/^\.\//, '');
  const pos = toRegex(patterns.filter((p) => !p.startsWith('!')).map(clean));
  const neg = toRegex(patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1))));
  const matcher: Matcher = !pos ? () => false : neg ? (path) => pos.test(path) && !neg.test(path) : (path) => pos.test(path);
  cache.set(key, matcher);
  return matcher;
}

export function filterGlobs(paths: readonly string[], patterns: readonly string[]): string[] {
  const m = compileGlobs(patterns);
  return paths.filter(m);
}
