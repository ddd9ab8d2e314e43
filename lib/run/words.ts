/**
 * Turns a check's `run`/`fix` string into argv. Words are split like a POSIX
 * shell splits them (quotes and backslashes), but nothing is expanded: no
 * variables, globs or operators, because the command runs without a shell.
 * Placeholders (`{files}`, `{msgfile}`) stand as whole words and expand to
 * argv elements, so a file name never passes through a shell.
 */
import { posix } from 'node:path';
import { HephError } from '../errors.js';

/**
 * How `{files}` names each file: relative to the check's `cwd` (repository
 * paths are relative to the root), and never starting with `-`, so no tool
 * reads a file name as an option.
 */
export function argPaths(files: readonly string[], cwd: string): string[] {
  return files.map((f) => {
    const rel = cwd ? posix.relative(cwd, f) : f;
    return rel.startsWith('-') ? `./${rel}` : rel;
  });
}

export function splitWords(cmd: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i];
    if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new HephError('config', `unterminated ' in command: ${cmd}`);
      cur += cmd.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < cmd.length && cmd[i] !== '"') {
        if (cmd[i] === '\\' && i + 1 < cmd.length && '"\\$`\n'.includes(cmd[i + 1])) i++;
        cur += cmd[i++];
      }
      if (i >= cmd.length) throw new HephError('config', `unterminated " in command: ${cmd}`);
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[i + 1];
      inWord = true;
      i += 2;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export interface Placeholders {
  files?: readonly string[] | null;
  msgfile?: string | null;
}

/** The argv lists to run: one, or several when `{files}` must be split to fit the OS limit. */
export function buildInvocations(cmd: string, shell: boolean, ph: Placeholders, maxArgBytes = argLimit()): string[][] {
  if (shell) {
    // Files go as positional parameters: `sh -c '<cmd>' heph file1 file2…`
    const script = cmd.replaceAll('{files}', '"$@"').replaceAll('{msgfile}', '"$HEPH_MSGFILE"');
    const usesFiles = cmd.includes('{files}');
    return chunk(usesFiles ? ph.files ?? [] : [], maxArgBytes - Buffer.byteLength(script)).map((files) => ['sh', '-c', script, 'heph', ...files]);
  }
  const words = splitWords(cmd);
  if (!words.length) throw new HephError('config', `empty command: "${cmd}"`);
  const expanded = words.map((w) => (w === '{msgfile}' ? ph.msgfile ?? '' : w));
  const at = expanded.indexOf('{files}');
  if (at < 0) return [expanded];
  const before = expanded.slice(0, at);
  const after = expanded.slice(at + 1).filter((w) => w !== '{files}');
  const fixed = [...before, ...after].reduce((n, w) => n + Buffer.byteLength(w) + 1, 0);
  return chunk(ph.files ?? [], maxArgBytes - fixed).map((files) => [...before, ...files, ...after]);
}

/** Splits a file list into groups whose argv size stays under `budget` bytes. */
export function chunk(files: readonly string[], budget: number): string[][] {
  if (!files.length) return [[]];
  const out: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const f of files) {
    const n = Buffer.byteLength(f) + 1 + 8; // the string, its NUL, its argv pointer
    if (cur.length && size + n > budget) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(f);
    size += n;
  }
  out.push(cur);
  return out;
}

/**
 * Bytes of arguments per invocation. Linux allows ARG_MAX (usually 2 MiB) for
 * argv and environment together; staying at 128 KiB leaves room for any
 * environment, as pre-commit and lefthook do. Windows' command line is 32 KiB.
 */
export function argLimit(): number {
  if (process.env.HEPH_ARG_MAX) return Number(process.env.HEPH_ARG_MAX);
  return process.platform === 'win32' ? 30_000 : 128 * 1024;
}
