/**
 * pre-commit selects files with Python regular expressions (`files`, `exclude`)
 * and identify tags (`types`); heph with globs. The common shapes translate;
 * anything else returns null and the hook is listed as not converted.
 */

const TYPES: Record<string, string[]> = {
  python: ['*.py', '*.pyi'], pyi: ['*.pyi'], javascript: ['*.js', '*.mjs', '*.cjs'], jsx: ['*.jsx'], ts: ['*.ts', '*.mts', '*.cts'], tsx: ['*.tsx'],
  json: ['*.json'], yaml: ['*.yaml', '*.yml'], toml: ['*.toml'], markdown: ['*.md', '*.markdown'], rst: ['*.rst'], shell: ['*.sh', '*.bash'], bash: ['*.bash', '*.sh'],
  rust: ['*.rs'], go: ['*.go'], css: ['*.css'], scss: ['*.scss'], html: ['*.html', '*.htm'], xml: ['*.xml'], sql: ['*.sql'], c: ['*.c', '*.h'], 'c++': ['*.cpp', '*.cc', '*.hpp'],
  java: ['*.java'], kotlin: ['*.kt', '*.kts'], ruby: ['*.rb'], php: ['*.php'], dockerfile: ['Dockerfile', '*.dockerfile'], terraform: ['*.tf'], vue: ['*.vue'], svelte: ['*.svelte'], ini: ['*.ini', '*.cfg'], csv: ['*.csv'],
  file: ['*'], text: ['*'],
};

/** The globs of pre-commit `types`/`types_or` tags; null when a tag has no glob form (executable, symlink, binary…). */
export function typesToGlobs(types: string[]): string[] | null {
  const out: string[] = [];
  for (const t of types) {
    const g = TYPES[t];
    if (!g) return null;
    out.push(...g);
  }
  return [...new Set(out)];
}

const LITERAL = /^(?:[\w.-]|\\[.\-/])+$/;
const lit = (s: string) => s.replace(/\\(.)/g, '$1');

/** Alternatives of a group `(a|b)` or a plain string, each a literal; null otherwise. */
function alternatives(s: string): string[] | null {
  const group = /^\((?:\?:)?(.*)\)$/.exec(s);
  const parts = (group ? group[1] : s).split('|');
  return parts.every((p) => LITERAL.test(p)) ? parts.map(lit) : null;
}

/**
 * A pre-commit regex as globs, for the shapes found in practice: `\.py$`,
 * `\.(js|ts)$`, `^src/`, `^(src|tests)/`, `^docs/.*\.md$`, `^setup\.py$`, `(^|/)x/`.
 * null when it has no such form.
 */
export function regexToGlobs(re: string): string[] | null {
  re = re.trim().replace(/^\(\?x\)\s*/, '');
  // ^dir/ … optionally followed by .*\.ext$
  let m = /^\^(\(.*?\)|(?:[\w.-]|\\[.\-/])+)\/(?:\.\*(\\\.\(.*\)|\\\.[\w-]+)\$)?$/.exec(re);
  if (m) {
    const dirs = alternatives(m[1]);
    const exts = m[2] ? alternatives(m[2].slice(2)) : null;
    if (!dirs || (m[2] && !exts)) return null;
    return dirs.flatMap((d) => (exts ? exts.map((e) => `${d}/**/*.${e}`) : [`${d}/**`]));
  }
  // \.ext$ or \.(a|b)$
  m = /^(?:\.\*)?\\\.(\(.*\)|[\w-]+)\$$/.exec(re);
  if (m) {
    const exts = alternatives(m[1]);
    return exts ? exts.map((e) => `*.${e}`) : null;
  }
  // ^exact/path\.py$ or ^(a|b)$
  m = /^\^(.*)\$$/.exec(re);
  if (m) {
    const names = alternatives(m[1]);
    // A name without a folder matches at any depth in heph (the caller says so).
    return names;
  }
  // (^|/)dir/ : a folder at any depth
  m = /^\(\^\|\/\)((?:[\w.-]|\\[.\-])+)\/$/.exec(re);
  if (m) return [`**/${lit(m[1])}/**`];
  return null;
}
