/**
 * A glob matcher whose time is linear in the path length, for the patterns a
 * backtracking regular expression would take exponential time on (several
 * `**`, or many `*` in one name: `**\/a/**\/b/**\/*.x`, `*a*a*a*b`). It
 * follows every way the pattern could match at once (a Thompson NFA over
 * the glob's tokens): O(path length × pattern length), with no backtracking.
 * Same meaning as the regular expression `globSource` builds.
 */
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
      if (out.length > MAX_ALTERNATIVES) throw new Error(`too many {,} alternatives in ${glob}`);
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

/** Whether the token list matches the whole path. States: 2i = before token i, 2i+1 = inside a `**\/` at i. */
export function matchTokens(toks: Tok[], path: string): boolean {
  const n = toks.length;
  let cur = new Uint8Array(2 * n + 2);
  let next = new Uint8Array(2 * n + 2);
  const add = (set: Uint8Array, s: number): void => {
    for (;;) {
      if (set[s]) return;
      set[s] = 1;
      const i = s >> 1;
      if (s & 1 || i >= n) return;
      const k = toks[i].k;
      if (k !== 'star' && k !== 'any' && k !== 'dirs') return;
      s = 2 * (i + 1); // these match the empty string too
    }
  };
  add(cur, 0);
  for (let p = 0; p < path.length; p++) {
    const ch = path[p];
    next.fill(0);
    let any = false;
    for (let s = 0; s < cur.length; s++) {
      if (!cur[s]) continue;
      const i = s >> 1;
      const t = toks[i];
      if (s & 1 || t?.k === 'dirs') {
        add(next, 2 * i + 1);
        if (ch === '/') add(next, 2 * (i + 1));
        any = true;
        continue;
      }
      if (i >= n) continue;
      const ok = t.k === 'lit' ? ch === t.c : t.k === 'one' || t.k === 'star' ? ch !== '/' : t.k === 'cls' ? t.re.test(ch) : true;
      if (!ok) continue;
      add(next, t.k === 'star' || t.k === 'any' ? 2 * i : 2 * (i + 1));
      any = true;
    }
    if (!any) return false;
    [cur, next] = [next, cur];
  }
  return cur[2 * n] === 1;
}

export function linearMatcher(glob: string): (path: string) => boolean {
  const alts = expandBraces(markGlobstars(glob)).map(tokens);
  return (path) => alts.some((t) => matchTokens(t, path));
}
