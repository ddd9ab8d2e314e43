/**
 * The names of heph's built-in checks (`"run": "heph:<name>"`). Only the names
 * live here: config resolution needs them, and must not load the checks.
 */
export const BUILTINS = [
  'trailing-whitespace',
  'end-of-file',
  'mixed-line-ending',
  'merge-conflict',
  'large-files',
  'private-key',
  'case-conflict',
  'broken-symlinks',
  'json',
  'yaml',
  'toml',
  'shebang',
  'macos-cruft',
] as const;
export type BuiltinName = (typeof BUILTINS)[number];

/** The built-in a command names (`heph:json --flag`), or null for an ordinary command. */
export function builtinOf(cmd: string): string | null {
  const m = /^\s*heph:([a-z0-9-]*)(?:\s|$)/.exec(cmd);
  return m ? m[1] : null;
}
