/**
 * What a package.json script says about a tool's scope: `"lint": "eslint
 * src/"` lints src/ only, so a check on every file would fail on files the
 * project never lints (a bin script, CI configs).
 */

/** Options of eslint and prettier that take a value: the word after them is not a path. */
const VALUED = new Set(['--ext', '-c', '--config', '--max-warnings', '-f', '--format', '--cache-location', '--ignore-path', '--ignore-pattern', '--rule', '--parser', '--parser-options', '--plugin', '--env', '--global', '--rulesdir', '--cache-strategy', '-o', '--output-file', '--resolve-plugins-relative-to', '--log-level', '--loglevel', '--plugin-search-dir', '--config-precedence', '--stdin-filepath']);

/** The words of each `tool ...` call in the scripts, up to the next `&&`, `||`, `;` or `|`. */
function calls(scripts: Record<string, string>, tool: string): string[][] {
  const found: string[][] = [];
  for (const text of Object.values(scripts)) {
    for (const part of text.split(/&&|\|\||;|\|/)) {
      const words = part.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
      const at = words.findIndex((w) => w === tool || w.endsWith(`/.bin/${tool}`));
      if (at >= 0 && (at === 0 || ['npx', 'exec', 'run', 'pnpm', 'yarn'].includes(words[at - 1]!) || /^\w+=/.test(words[at - 1]!))) found.push(words.slice(at + 1));
    }
  }
  return found;
}

/**
 * The `files` globs for a tool, from the paths its scripts give it: null when
 * a script runs it on the whole repository (`.`), or none names paths.
 */
export function scriptScope(scripts: Record<string, string> | undefined, tool: string, code: string): string[] | null {
  const paths = new Set<string>();
  for (const args of calls(scripts ?? {}, tool)) {
    for (let i = 0; i < args.length; i++) {
      const w = args[i]!;
      if (w.startsWith('-')) {
        if (VALUED.has(w)) i++;
        continue;
      }
      const p = w.replace(/^\.\//, '').replace(/\/+$/, '');
      if (p === '' || p === '.') return null;
      paths.add(p);
    }
  }
  if (!paths.size) return null;
  // A path with a dot in its last part is a file or a glob; else a folder.
  return [...paths].map((p) => (/[*?{[]/.test(p) || /\.[^/]+$/.test(p) ? p : `${p}/**/${code}`));
}
