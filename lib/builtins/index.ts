/**
 * Runs a built-in check (`heph:<name>`) in-process over the files the plan
 * selected, and answers like a process would: exit 0 or 1 and its output.
 * Loaded only when a built-in check runs.
 */
import { monotonicMs } from '../clock.js';
import { splitWords } from '../run/words.js';
import type { ProcessResult } from '../run/process.js';
import { BUILTINS, builtinOf } from './names.js';
import type { Builtin } from './types.js';
import { endOfFile, mergeConflict, mixedLineEnding, privateKey, trailingWhitespace } from './text.js';
import { brokenSymlinks, caseConflict, largeFiles, macosCruft, shebang } from './files.js';
import { json } from './json.js';

const SYNC: Record<string, Builtin> = {
  'trailing-whitespace': trailingWhitespace,
  'end-of-file': endOfFile,
  'mixed-line-ending': mixedLineEnding,
  'merge-conflict': mergeConflict,
  'large-files': largeFiles,
  'private-key': privateKey,
  'case-conflict': caseConflict,
  'broken-symlinks': brokenSymlinks,
  json,
  shebang,
  'macos-cruft': macosCruft,
};

async function load(name: string): Promise<Builtin | undefined> {
  if (name === 'yaml' || name === 'toml') return (await import('./syntax.js'))[name];
  return SYNC[name];
}

const MAX_LINES = 200;

/** Runs `cmd` (`heph:<name> [--fix] [options]`) over `files` (paths relative to `root`). */
export async function runBuiltin(cmd: string, files: readonly string[], root: string, log: (line: string) => void = () => {}): Promise<ProcessResult & { ok: boolean }> {
  const started = monotonicMs();
  log(`${cmd.replace(/\s*\{files\}/, '')} (in-process) over ${files.length} file${files.length === 1 ? '' : 's'}`);
  const name = builtinOf(cmd) ?? '';
  const args = splitWords(cmd).slice(1).filter((w) => w !== '{files}');
  const done = (ok: boolean, output: string) => {
    for (const line of output.split('\n')) if (line) log(line);
    log(`${ok ? 'passed' : 'failed'} (${Math.round(monotonicMs() - started)} ms)`);
    return result(ok, output);
  };
  const result = (ok: boolean, output: string) => ({ ok, exitCode: ok ? 0 : 1, signal: null, timedOut: false, interrupted: false, spawnError: null, output, durationMs: monotonicMs() - started });
  const check = await load(name);
  if (!check) return done(false, `heph has no built-in check "${name}" (built-ins: ${BUILTINS.join(', ')})\n`);
  const fix = args.includes('--fix');
  let res;
  try {
    res = await check([...files], { root, args, fix });
  } catch (e) {
    return done(false, `heph:${name}: ${(e as Error).message}\n`);
  }
  const lines = res.problems.length > MAX_LINES ? [...res.problems.slice(0, MAX_LINES), `… and ${res.problems.length - MAX_LINES} more`] : res.problems;
  const fixed = res.fixed?.length ? `heph:${name} fixed ${res.fixed.length} file${res.fixed.length === 1 ? '' : 's'}: ${res.fixed.join(', ')}\n` : '';
  const output = fixed + lines.map((l) => `${l}\n`).join('') + (res.problems.length ? `heph:${name}: ${res.problems.length} problem${res.problems.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}\n` : '');
  return done(res.problems.length === 0, output);
}
