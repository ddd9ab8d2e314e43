/**
 * git as the stash runs it: synchronously (it also runs from a signal
 * handler), with pathspecs taken literally, and with every user setting that
 * changes how a diff is written or read turned off, so that a dotfiles
 * `.gitconfig` (noprefix, color, renames, relative, external diff) cannot
 * change what heph puts aside or reads back.
 */
import { git, gitSyncResult, type GitResult } from './exec.js';

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
];

/** Flags for every `git diff` that is parsed or written as a patch. */
export const HARD_DIFF = ['--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', '--no-relative', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all'];

// No hook of any tool runs on heph's own checkouts.
const HARDENED = ['core.hooksPath=/dev/null', ...HARD_CONFIG];
const PLAIN = ['core.hooksPath=/dev/null', 'submodule.recurse=false'];
// HEPH=0: our own checkout must not start heph's post-checkout hook.
const ENV = { HEPH: '0', GIT_EXTERNAL_DIFF: undefined };

/** git through the funnel's synchronous entry, with the stash's settings; `hardened: false` keeps the user's diff settings (content reads and checkouts). */
export function gitSync(cwd: string, args: string[], input?: Buffer | string, hardened = true): GitResult {
  return gitSyncResult(args, { cwd, input, env: ENV, literal: true, config: hardened ? HARDENED : PLAIN });
}

/** The same hardened git, asynchronously: a read started ahead of the stash, while heph does other work. `config`: more settings. */
export function gitAsync(cwd: string, args: string[], config: readonly string[] = []): Promise<GitResult> {
  return git(args, { cwd, env: ENV, literal: true, config: [...HARDENED, ...config] });
}

/** NUL-separated names as byte strings (latin1: a name that is not UTF-8 survives). */
export const split0 = (b: Buffer) => b.toString('latin1').split('\0').filter(Boolean);

/** Byte-string names as git's stdin for --pathspec-from-file --pathspec-file-nul. */
export const pathsInput = (paths: string[]) => Buffer.from(paths.join('\0'), 'latin1');
