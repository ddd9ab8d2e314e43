/**
 * The one reader of `git ls-files -s -z` (`<mode> <oid> <stage>\t<path>\0`, each
 * record perhaps tagged by `-v`).
 * It works on whichever string form a caller keeps names in: latin1 byte
 * strings (each byte one character, as the stash feeds them back to git) or
 * names decoded by `decodeBytes`; a path comes out in the form it went in.
 * Only the header is parsed, so a path may hold spaces, tabs and newlines.
 */
import { HephError } from '../errors.js';
import { decodeBytes } from './bytes.js';

/** One index entry. Structurally an `Identity` (mode, oid) of snapshot.ts. */
export interface StageEntry {
  /** Octal git file mode: `100644`, `100755`, `120000` (symlink), `160000` (submodule). */
  mode: string;
  /** Object id: 40 hex digits (SHA-1) or 64 (SHA-256). */
  oid: string;
  /** 0 for a merged entry; 1 (base), 2 (ours), 3 (theirs) while a conflict is unresolved. */
  stage: number;
  path: string;
}

/**
 * Calls `fn` for each entry in order. Every header git writes has a 6-digit
 * mode and one object id length, so each record is read at fixed offsets
 * after one search for its end; a record that does not fit that shape is
 * split at its first two spaces and first tab instead.
 */
export function eachStageEntry(out: string, fn: (mode: string, oid: string, stage: number, path: string) => void): void {
  const len = out.length;
  // Object id length, from the first record (all ids of a repository share it).
  const first = afterTag(out, 0);
  const oidLen = out.indexOf(' ', first + 7) - first - 7;
  let start = 0;
  while (start < len) {
    let end = out.indexOf('\0', start);
    if (end === -1) end = len;
    const i = afterTag(out, start);
    const tab = i + oidLen + 9;
    const stage = out.charCodeAt(tab - 1) - 48;
    if (out.charCodeAt(i + 6) === 32 && out.charCodeAt(tab - 2) === 32 && out.charCodeAt(tab) === 9 && tab < end && stage >= 0 && stage <= 3) {
      fn(modeAt(out, i), out.slice(i + 7, tab - 2), stage, out.slice(tab + 1, end));
    } else if (end > i) {
      slowRecord(out, i, end, fn);
    }
    start = end + 1;
  }
}

/**
 * Where a record's mode starts: `ls-files -v` puts a one-letter tag and a
 * space before it (`H`, or `h`/`S` for entries git does not compare with the
 * working tree); a mode starts with a digit.
 */
function afterTag(out: string, i: number): number {
  return out.charCodeAt(i) > 0x40 && out.charCodeAt(i + 1) === 32 ? i + 2 : i;
}

// Shared strings for the usual modes: a fresh 6-character string per entry
// costs more (allocation and GC) on a large index than the parse itself.
const MODES = ['100644', '100755', '120000', '160000'];

function modeAt(out: string, i: number): string {
  for (const m of MODES) if (out.startsWith(m, i)) return m;
  return out.slice(i, i + 6);
}

function slowRecord(out: string, i: number, end: number, fn: (mode: string, oid: string, stage: number, path: string) => void): void {
  const sp1 = out.indexOf(' ', i);
  const sp2 = sp1 < 0 ? -1 : out.indexOf(' ', sp1 + 1);
  const tab = sp2 < 0 ? -1 : out.indexOf('\t', sp2 + 1);
  const digits = tab < 0 || tab >= end ? '' : out.slice(sp2 + 1, tab);
  const stage = /^[0-3]$/.test(digits) ? Number(digits) : NaN;
  // Only a git heph does not know writes another shape: stop rather than read the index wrong.
  if (!Number.isInteger(stage)) throw new HephError('git', `unexpected \`git ls-files -s\` output: ${JSON.stringify(out.slice(i, Math.min(end, i + 120)))}`, 'report this with `git --version`');
  fn(out.slice(i, sp1), out.slice(sp1 + 1, sp2), stage, out.slice(tab + 1, end));
}

/**
 * Every entry of `git ls-files -s -z` output. A Buffer is decoded with
 * `decodeBytes` (lossless: names that are not UTF-8 keep their bytes); pass
 * `buf.toString('latin1')` to get byte-string paths instead.
 */
export function parseStageEntries(out: string | Buffer): StageEntry[] {
  const entries: StageEntry[] = [];
  eachStageEntry(typeof out === 'string' ? out : decodeBytes(out), (mode, oid, stage, path) => entries.push({ mode, oid, stage, path }));
  return entries;
}

/** An entry as `git update-index -z --index-info` reads it (without the NUL). */
export const indexInfo = (e: StageEntry): string => `${e.mode} ${e.oid} ${e.stage}\t${e.path}`;

/** The index-info line that removes a path from the index (all stages). */
export const removedInfo = (path: string, oidLen = 40): string => `0 ${'0'.repeat(oidLen)}\t${path}`;
