/**
 * What the fix flow needs to know besides running commands: whether a fix is
 * its check's own tool in write mode (so its exit status is the check's
 * verdict on what it leaves behind), and which files a fix really changed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitWords } from './words.js';

/** Options that only make a tool report instead of write: dropped from `run` when comparing. */
const REPORT_ONLY = new Set(['--check', '--diff', '-d', '--list-different', '-l', '--dry-run']);

/**
 * True when `fix` is `run` in write mode: the same words once `run`'s
 * report-only options are dropped and the options only `fix` has (`--fix`,
 * `--write`, `-w`…) are ignored. `prettier --check {files}` / `prettier
 * --write {files}`, `ruff check {files}` / `ruff check --fix {files}`, `black
 * --check {files}` / `black {files}`, `uv lock --check` / `uv lock`. An option
 * only `run` has (`--select=ALL`) or any other word that differs makes it
 * another command, whose success says nothing about the check.
 */
export function isOwnCheck(run: string, fix: string, shell: boolean): boolean {
  const split = (s: string) => (shell ? s.split(/\s+/).filter(Boolean) : splitWords(s));
  let r: string[];
  let f: string[];
  try {
    r = split(run).filter((w) => !REPORT_ONLY.has(w));
    f = split(fix);
  } catch {
    return false;
  }
  const inRun = new Set(r);
  f = f.filter((w) => !w.startsWith('-') || inRun.has(w));
  return r.length === f.length && r.every((w, i) => w === f[i]);
}

/** Content digests of files (null: absent or unreadable), read a few at a time. */
export async function digests(root: string, files: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  let i = 0;
  const worker = async () => {
    while (i < files.length) {
      const f = files[i++];
      try {
        out.set(f, createHash('sha1').update(await readFile(join(root, f))).digest('hex'));
      } catch {
        out.set(f, null);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  return out;
}

/** The files whose content differs between two digests of the same list. */
export function changed(before: Map<string, string | null>, after: Map<string, string | null>): Set<string> {
  const out = new Set<string>();
  for (const [f, d] of after) if (before.get(f) !== d) out.add(f);
  return out;
}
