/** Built-ins about text content: whitespace, line endings, conflict markers, private keys. */
import { lineAt, regularFiles, writeLatin1 } from './read.js';
import { option, type Builtin } from './types.js';

/** Spaces or tabs before a line's end (before the \r of a CRLF). */
const TRAILING = /[ \t]+(?=\r?\n|\r|$)/g;

export const trailingWhitespace: Builtin = (files, ctx) => {
  const problems: string[] = [];
  const fixed: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    if (f.binary || !TRAILING.test(f.text)) continue;
    TRAILING.lastIndex = 0;
    if (ctx.fix) {
      writeLatin1(ctx.root, f.path, f.text.replace(TRAILING, ''));
      fixed.push(f.path);
    } else for (const m of f.text.matchAll(TRAILING)) problems.push(`${f.path}:${lineAt(f.text, m.index)}: trailing whitespace`);
  }
  return { problems, fixed };
};

/** A non-empty file ends with exactly one newline (of the kind it uses). */
export const endOfFile: Builtin = (files, ctx) => {
  const problems: string[] = [];
  const fixed: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    if (f.binary || f.text === '') continue;
    const body = f.text.replace(/(\r\n|\n|\r)+$/, '');
    const eol = f.text.match(/\r\n|\n|\r/g)?.pop() ?? '\n';
    const want = body === '' ? '' : body + eol;
    if (want === f.text) continue;
    if (ctx.fix) {
      writeLatin1(ctx.root, f.path, want);
      fixed.push(f.path);
    } else problems.push(`${f.path}: ${body === f.text ? 'no newline at the end of the file' : body === '' ? 'only blank lines' : 'blank lines at the end of the file'}`);
  }
  return { problems, fixed };
};

/** A file uses one kind of line ending. `--fix` converts to the most used one, or to `--to lf|crlf`. */
export const mixedLineEnding: Builtin = (files, ctx) => {
  const to = option(ctx.args, 'to');
  const problems: string[] = [];
  const fixed: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    if (f.binary) continue;
    const crlf = f.text.match(/\r\n/g)?.length ?? 0;
    const lf = (f.text.match(/\n/g)?.length ?? 0) - crlf;
    const cr = (f.text.match(/\r/g)?.length ?? 0) - crlf;
    const kinds = [crlf, lf, cr].filter((n) => n > 0).length;
    const target = to === 'crlf' ? '\r\n' : to === 'lf' ? '\n' : crlf > lf + cr ? '\r\n' : '\n';
    const wrong = to ? (target === '\n' ? crlf + cr : lf + cr) > 0 : kinds > 1;
    if (!wrong) continue;
    if (ctx.fix) {
      writeLatin1(ctx.root, f.path, f.text.replace(/\r\n|\r|\n/g, target));
      fixed.push(f.path);
    } else problems.push(`${f.path}: ${to ? `line endings other than ${to}` : 'mixed line endings'} (${crlf} CRLF, ${lf} LF${cr ? `, ${cr} CR` : ''})`);
  }
  return { problems, fixed };
};

export const mergeConflict: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    if (f.binary) continue;
    const open = /^<{7}(?: |$)/m.exec(f.text);
    const close = /^>{7}(?: |$)/m.exec(f.text);
    // `=======` alone is a Markdown/RST underline; it counts only between real markers.
    if (open) problems.push(`${f.path}:${lineAt(f.text, open.index)}: merge conflict marker <<<<<<<`);
    else if (close) problems.push(`${f.path}:${lineAt(f.text, close.index)}: merge conflict marker >>>>>>>`);
  }
  return { problems };
};

const KEY_MARKERS = [
  'BEGIN RSA PRIVATE KEY',
  'BEGIN DSA PRIVATE KEY',
  'BEGIN EC PRIVATE KEY',
  'BEGIN OPENSSH PRIVATE KEY',
  'BEGIN PRIVATE KEY',
  'BEGIN ENCRYPTED PRIVATE KEY',
  'BEGIN PGP PRIVATE KEY BLOCK',
  'BEGIN SSH2 ENCRYPTED PRIVATE KEY',
  'PuTTY-User-Key-File-',
  'BEGIN OpenVPN Static key V1',
];

export const privateKey: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const f of regularFiles(ctx.root, files)) {
    for (const marker of KEY_MARKERS) {
      const at = f.text.indexOf(marker);
      if (at >= 0) {
        problems.push(`${f.path}:${lineAt(f.text, at)}: private key (${marker.replace(/^BEGIN /, '')})`);
        break;
      }
    }
  }
  return { problems };
};
