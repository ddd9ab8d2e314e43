/** Member directories among git's paths: small on purpose, the entry point loads it on every commit. */
export const CONFIG_NAME = '.heph.json';

/** Directories (root-relative) holding a `.heph.json` below the root, shallowest first, among git's paths. */
export function memberDirs(...lists: readonly string[][]): string[] {
  const dirs = new Set<string>();
  const suffix = `/${CONFIG_NAME}`;
  // This runs over every path of the repository on every hook: the last-character test spares most of them the string comparison.
  for (const paths of lists) for (const p of paths) if (p.charCodeAt(p.length - 1) === 110 && p.endsWith(suffix)) dirs.add(p.slice(0, -suffix.length));
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
}
