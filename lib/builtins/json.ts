/** JSON syntax, with the line and column of the first error. */
import { regularFiles } from './read.js';
import type { Builtin } from './types.js';

/** The UTF-8 text of a latin1 string from regularFiles, without a BOM. */
export const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8').replace(/^\uFEFF/, '');

/**
 * Where JSON text first goes wrong, and how; null when it is valid. Node's own
 * messages carry no position for many errors, so the text is scanned (only
 * after JSON.parse rejected it).
 */
export function jsonError(s: string): { at: number; message: string } | null {
  let i = 0;
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  const fail = (what: string): never => {
    throw { at: i, message: i >= s.length ? `unexpected end of the file, expected ${what}` : `unexpected ${JSON.stringify(s[i])}, expected ${what}` };
  };
  const lit = (word: string) => (s.startsWith(word, i) ? void (i += word.length) : fail(`"${word}"`));
  const string = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] < ' ') fail('a closing quote (control characters must be escaped)');
      if (s[i] === '\\') {
        i++;
        if (s[i] === 'u') (/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5)) ? (i += 4) : fail('four hex digits after \\u'));
        else if (!'"\\/bfnrt'.includes(s[i] ?? 'x')) fail('an escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\u)');
      }
      i++;
    }
    if (i >= s.length) fail('a closing quote');
    i++;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (s[i] !== '"') fail('a key in double quotes');
          string();
          ws();
          if (s[i] !== ':') fail('":"');
          i++;
        }
        value();
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === close) return void i++;
        else fail(`"," or "${close}"`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!num) fail('a value');
    i += num![0].length;
  };
  try {
    value();
    ws();
    if (i < s.length) fail('the end of the file');
    return null;
  } catch (e) {
    return e as { at: number; message: string };
  }
}

export const json: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    const text = utf8(f.text);
    try {
      JSON.parse(text);
    } catch (e) {
      const err = jsonError(text);
      const before = text.slice(0, err?.at ?? 0).split('\n');
      problems.push(`${f.path}:${before.length}:${before[before.length - 1].length + 1}: invalid JSON: ${err?.message ?? (e as Error).message.split('\n')[0]}`);
    }
  }
  return { problems };
};
