/** Reading the files a built-in is given: regular files only, as byte-exact strings. */
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsPath } from '../git/bytes.js';

/**
 * Each regular file's content as a latin1 string, which maps every byte to one
 * character: ASCII checks (whitespace, newlines, markers) work on any encoding,
 * and writing the string back as latin1 restores the other bytes exactly.
 * Symlinks, directories (submodules) and vanished files are left out.
 */
export function* regularFiles(root: string, files: string[]): Generator<{ path: string; text: string; binary: boolean }> {
  for (const path of files) {
    const abs = fsPath(join(root, path));
    try {
      if (!lstatSync(abs).isFile()) continue;
      const buf = readFileSync(abs);
      yield { path, text: buf.toString('latin1'), binary: buf.subarray(0, 8000).includes(0) };
    } catch {
      /* gone since git listed it */
    }
  }
}

export function writeLatin1(root: string, path: string, text: string): void {
  writeFileSync(fsPath(join(root, path)), Buffer.from(text, 'latin1'));
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
