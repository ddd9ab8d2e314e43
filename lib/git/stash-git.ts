/**
 * git as the stash runs it: synchronously (it also runs from a signal
 * handler), with pathspecs taken literally, and with every user setting that
 * changes how a diff is written or read turned off, so that a dotfiles
 * `.gitconfig` (noprefix, color, renames, relative, external diff) cannot
 * change what heph puts aside or reads back.
 */
import { spawnSync } from 'node:child_process';

/** Settings that shape diff output; the content conversions (autocrlf, filters) stay the user's, as git would use them. */
const HARD_CONFIG = [
  'submodule.recurse=false',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'diff.relative=false',
  'diff.renames=false',
  'color.ui=false',
  'color.diff=false',
  'core.quotePath=false',
  'apply.whitespace=nowarn',
].flatMap((kv) => ['-c', kv]);

/** Flags for every `git diff` that is parsed or written as a patch. */
export const HARD_DIFF = ['--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', '--no-relative', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all'];

export function gitSync(cwd: string, args: string[], input?: Buffer | string, hardened = true): { code: number; stdout: Buffer; stderr: string } {
  // No hook of any tool runs on heph's own checkouts.
  const pre = ['-c', 'core.hooksPath=/dev/null', ...(hardened ? HARD_CONFIG : ['-c', 'submodule.recurse=false'])];
  // HEPH=0: our own checkout must not start heph's post-checkout hook.
  const env: NodeJS.ProcessEnv = { ...process.env, HEPH: '0', LC_ALL: 'C', GIT_LITERAL_PATHSPECS: '1' };
  delete env.GIT_EXTERNAL_DIFF;
  const r = spawnSync('git', [...pre, ...args], { cwd, input, env, maxBuffer: 1 << 30 });
  return { code: r.status ?? 1, stdout: r.stdout ?? Buffer.alloc(0), stderr: String(r.stderr ?? '') };
}

/** NUL-separated names as byte strings (latin1: a name that is not UTF-8 survives). */
export const split0 = (b: Buffer) => b.toString('latin1').split('\0').filter(Boolean);

/** Byte-string names as git's stdin for --pathspec-from-file --pathspec-file-nul. */
export const pathsInput = (paths: string[]) => Buffer.from(paths.join('\0'), 'latin1');
