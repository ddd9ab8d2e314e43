/**
 * A glob matcher whose time is linear in the path length, for the patterns a
 * backtracking regular expression would take exponential time on (several
 * `**`, or many `*` in one name: `**\/a/**\/b/**\/*.x`, `*a*a*a*b`). It
 * follows every way the pattern could match at once (an NFA over the glob's
 * tokens, turned into a DFA as it is used): O(path length × pattern length)
 * at worst, with no backtracking. Same meaning as the regular expression
 * `globSource` builds (a randomized test compares the two).
 */
import { HephError } from '../errors.js';

export type Tok = { k: 'lit'; c: string } | { k: 'one' } | { k: 'cls'; re: RegExp } | { k: 'star' } | { k: 'any' } | { k: 'dirs' };

/** More alternatives than this from `{a,b}` in one pattern is not a file pattern. */
const MAX_ALTERNATIVES = 1024;

/** `a{b,c{d,e}}` → `ab`, `acd`, `ace`; an unclosed `{` runs to the end, as in the regex form. */
export function expandBraces(glob: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '[' && glob.indexOf(']', i + 2) >= 0) i = glob.indexOf(']', i + 2);
    else if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}' && depth) {
      if (--depth === 0) return alternatives(glob, open, commas, i);
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return open < 0 ? [glob] : alternatives(glob + '}'.repeat(depth), open, commas, glob.length + depth - 1);
}

function alternatives(glob: string, open: number, commas: number[], close: number): string[] {
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (const rest of expandBraces(glob.slice(bounds[k] + 1, bounds[k + 1]) + glob.slice(close + 1))) {
      out.push(glob.slice(0, open) + rest);
      if (out.length > MAX_ALTERNATIVES) throw new HephError('config', `the glob ${glob} has more than ${MAX_ALTERNATIVES} {a,b} alternatives`, 'write fewer alternatives, or several globs');
    }
  }
  return out;
}

// What a `**` means depends on its neighbours in the glob as written, before braces expand.
const DIRS = '\uE000';
const ANY = '\uE001';

/** Replaces each `**` by what it means (mirrors globSource): `**\/` → DIRS, other `**` → ANY. */
function markGlobstars(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) out += c + glob[++i];
    else if (c === '[' && glob.indexOf(']', i + 2) >= 0) {
      const end = glob.indexOf(']', i + 2);
      out += glob.slice(i, end + 1);
      i = end;
    } else if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
      if (atStart && atEnd && i + 2 < glob.length) {
        out += DIRS;
        i += 2;
      } else {
        out += ANY;
        i++;
      }
    } else out += c;
  }
  return out;
}

/** The tokens of a brace-free glob whose `**` are marked (mirrors globSource). */
export function tokens(glob: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === DIRS) out.push({ k: 'dirs' });
    else if (c === ANY) out.push({ k: 'any' });
    else if (c === '*') out.push({ k: 'star' });
    else if (c === '?') out.push({ k: 'one' });
    else if (c === '[' && glob.indexOf(']', i + 2) >= 0) {
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (body[0] === '!') body = '^' + body.slice(1);
      out.push({ k: 'cls', re: new RegExp(`^[${body}]$`, 's') });
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) out.push({ k: 'lit', c: glob[++i] });
    else out.push({ k: 'lit', c });
  }
  return out;
}

interface DState {
  /** NFA states, sorted. */
  states: number[];
  accept: boolean;
  /** Next state per character, filled in as characters are met (null: no match possible). */
  next: Map<string, DState | null>;
}

/** Beyond this many cached DFA states the cache starts afresh: memory stays bounded, time stays linear. */
const MAX_DFA_STATES = 4096;

/**
 * A matcher for one token list: an NFA over the tokens (states 2i = before
 * token i, 2i+1 = inside a `**\/` at i), turned into a DFA lazily, one
 * (state set, character) transition at a time, so each character of a path
 * costs one map lookup once the common transitions are known.
 */
export function tokenMatcher(toks: Tok[]): (path: string) => boolean {
  const n = toks.length;
  const accept = 2 * n;
  // Where adding state s also lands, by skipping tokens that match the empty string.
  const closure: number[][] = [];
  for (let s = 0; s <= 2 * n + 1; s++) {
    const out = [s];
    for (let x = s; !(x & 1) && x >> 1 < n && ['star', 'any', 'dirs'].includes(toks[x >> 1].k); ) out.push((x = 2 * ((x >> 1) + 1)));
    closure.push(out);
  }
  let cache = new Map<string, DState>();
  const state = (set: Set<number>): DState | null => {
    if (!set.size) return null;
    const states = [...set].sort((a, b) => a - b);
    const key = states.join(',');
    let d = cache.get(key);
    if (!d) {
      if (cache.size >= MAX_DFA_STATES) cache = new Map();
      d = { states, accept: set.has(accept), next: new Map() };
      cache.set(key, d);
    }
    return d;
  };
  const step = (from: DState, ch: string): DState | null => {
    const out = new Set<number>();
    const add = (s: number) => closure[s].forEach((x) => out.add(x));
    for (const s of from.states) {
      const i = s >> 1;
      if (i >= n) continue;
      const t = toks[i];
      if (s & 1 || t.k === 'dirs') {
        add(2 * i + 1);
        if (ch === '/') add(2 * (i + 1));
        continue;
      }
      const ok = t.k === 'lit' ? ch === t.c : t.k === 'one' || t.k === 'star' ? ch !== '/' : t.k === 'cls' ? t.re.test(ch) : true;
      if (ok) add(t.k === 'star' || t.k === 'any' ? 2 * i : 2 * (i + 1));
    }
    return state(out);
  };
  let start = state(new Set(closure[0]))!;
  return (path) => {
    if (!cache.has(start.states.join(','))) start = state(new Set(closure[0]))!; // the cache was reset
    let d: DState | null = start;
    for (let p = 0; p < path.length && d; p++) {
      const ch = path[p];
      let nx = d.next.get(ch);
      if (nx === undefined) d.next.set(ch, (nx = step(d, ch)));
      d = nx;
    }
    return !!d?.accept;
  };
}

/** The literal text a token list must end with (`.ts` in `**\/*.ts`): most paths fail on it at once. */
function literalTail(toks: Tok[]): string {
  let tail = '';
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i];
    if (t.k !== 'lit') break;
    tail = t.c + tail;
  }
  return tail;
}

export function linearMatcher(glob: string): (path: string) => boolean {
  const alts = expandBraces(markGlobstars(glob)).map((g) => {
    const toks = tokens(g);
    return { match: tokenMatcher(toks), tail: literalTail(toks) };
  });
  return (path) => alts.some((a) => path.endsWith(a.tail) && a.match(path));
}
