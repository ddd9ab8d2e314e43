/**
 * Glob matching for `files` and `inputs`. A pattern without a slash matches a
 * file name at any depth (`*.py`), like .gitignore and lint-staged, unless it
 * starts with `./` (`./uv.lock`: the root's only); `**`
 * crosses directories; `*` and `?` stay inside one; `[abc]`, `[!a-z]` and
 * `{a,b}` work as in a shell; `!pattern` excludes. Dotfiles match.
 *
 * Each list compiles to one regular expression per polarity; the few patterns
 * a regular expression could backtrack on for long are matched in linear time
 * by glob-linear.ts instead. The compiler is
 * small and ours because this runs on every hook: a general glob library cost
 * more to load than all the matching it did.
 */

import { linearMatcher } from './glob-linear.js';

export type Matcher = (path: string) => boolean;

const cache = new Map<string, Matcher>();
const SPECIAL = /[.+^$()|\\/]/;

/** Translates one glob into a regular expression source (anchored by the caller). */
export function globSource(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` → any number of leading directories; a trailing `/**` → anything below.
          if (i + 2 === glob.length) out += '.*';
          else out += '(?:.*/)?';
          i += 2; // also skips the slash after `**`
          continue;
        }
        i++;
        out += '.*';
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body[0] === '!') body = '^' + body.slice(1);
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces) {
      braces--;
      out += ')';
    } else if (c === ',' && braces) out += '|';
    else if (c === '\\' && i + 1 < glob.length) out += '\\' + glob[++i];
    else out += SPECIAL.test(c) ? '\\' + c : c;
  }
  return out + ')'.repeat(braces);
}

/** `a/**\/**\/b` means `a/**\/b`: repeated `**` segments collapse into one. */
export function collapseGlobstars(glob: string): string {
  return glob.replace(/(^|\/)\*\*(?:\/\*\*)+(?=\/|$)/g, '$1**');
}

/**
 * Whether a regular expression could backtrack for long on this glob: two
 * `**` that are not at the end (each tries every split of the path), or three
 * `*` in one name. Those are matched by the linear matcher instead; common
 * patterns keep the faster regular expression.
 */
export function backtracks(glob: string): boolean {
  const inner = glob.replace(/\/\*\*$/, '').match(/\*\*/g)?.length ?? 0;
  return inner > 1 || glob.split('/').some((seg) => (seg.match(/\*/g)?.length ?? 0) >= 3);
}

function toMatcher(patterns: string[]): Matcher | null {
  if (!patterns.length) return null;
  // `./name` names the root's only: a member's input outside it (`../../package-lock.json`) is that file, not every one.
  const full = patterns.map((p) => collapseGlobstars(p.startsWith('./') ? p.slice(2) : p.includes('/') ? p : `**/${p}`));
  const slow = full.filter(backtracks).map(linearMatcher);
  const fast = full.filter((p) => !backtracks(p));
  const re = fast.length ? new RegExp(`^(?:${fast.map(globSource).join('|')})$`, 's') : null;
  if (!slow.length) return (path) => re!.test(path);
  return (path) => !!re?.test(path) || slow.some((m) => m(path));
}

export function compileGlobs(patterns: readonly string[]): Matcher {
  const key = patterns.join('\0');
  const hit = cache.get(key);
  if (hit) return hit;
  const pos = toMatcher(patterns.filter((p) => !p.startsWith('!')));
  const neg = toMatcher(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)));
  const matcher: Matcher = !pos ? () => false : neg ? (path) => pos(path) && !neg(path) : pos;
  cache.set(key, matcher);
  return matcher;
}

export function filterGlobs(paths: readonly string[], patterns: readonly string[]): string[] {
  const m = compileGlobs(patterns);
  return paths.filter(m);
}
