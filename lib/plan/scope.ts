/**
 * The part of the tree a commit's checks can read (pure). In a repository with
 * members, a commit touching one member runs that member's checks, whose
 * inputs lie in its scope by construction: the hook then reads, and puts
 * aside, only that part, so its cost grows with the change, not with the
 * repository. Derived conservatively from globs: the literal directory before
 * the first glob character; a name without a slash is matched at any depth
 * (unless it starts with `./`);
 * anything else (a root check on every file, a glob starting with a glob
 * character) means the whole tree.
 */
import type { ResolvedConfig } from '../config/types.js';
import { selectChecks, type SelectOptions } from './select.js';
import { scopeMembers, type MemberOptions } from './members.js';

export interface ReadScope {
  /** Root-relative directories (ending in `/`) and files, taken literally. */
  literal: string[];
  /** File names matched at any depth. */
  anywhere: string[];
}

const MAX_PATHSPECS = 400;

/** Characters that make a glob more than a literal path (escapes included: the prefix stops before them). */
const GLOB_CHAR = /[*?[\]{}\\]/;

/** Adds what a glob can match to the scope; false when that is anything at all. */
function addGlob(literal: Set<string>, anywhere: Set<string>, glob: string): boolean {
  if (glob.startsWith('!')) return true; // an exclusion only narrows what a check reads
  const rooted = glob.startsWith('./');
  const g = rooted ? glob.slice(2) : glob;
  const at = g.search(GLOB_CHAR);
  if (!g.includes('/') && !rooted) {
    if (at >= 0 || !g) return false;
    anywhere.add(g);
    return true;
  }
  if (at < 0) {
    literal.add(g);
    return true;
  }
  const dir = g.slice(0, g.lastIndexOf('/', at) + 1);
  if (!dir || dir.startsWith('/')) return false;
  literal.add(dir);
  return true;
}

/**
 * What the checks a commit can run may read, from the config and the staged
 * list alone (before any snapshot): every check that selection and member
 * scoping keep, with its `files`, its `inputs` and its member's scope. Null
 * means the whole tree: a repository without members, or a check that reads
 * anything.
 */
export function readScope(
  config: ResolvedConfig,
  staged: readonly string[],
  select: Omit<SelectOptions, 'candidates'>,
  members: MemberOptions,
): ReadScope | null {
  if (!config.members?.length) return null;
  // Without the snapshot's file modes: symlinks and submodules stay among the candidates, a superset.
  const selection = scopeMembers(config, selectChecks(config, { ...select, candidates: staged }), { ...members, changed: staged });
  // Not the member configs: heph reads the staged configs from their own index entries. The root's
  // keeps the scope from being empty (no pathspec at all would mean the whole tree to git).
  const literal = new Set<string>(['.heph.json']);
  const anywhere = new Set<string>();
  for (const phase of selection.phases) {
    for (const s of phase.checks) {
      if (s.skip) continue;
      if (!s.check.inputs) return null;
      // A member's scope too: the staged list read with it must say the member was touched, as the whole one does.
      const member = s.check.member !== undefined ? config.members.find((m) => m.name === s.check.member) : undefined;
      for (const g of [...s.check.inputs, ...(s.check.files ?? []), ...(member?.scope ?? [])]) if (!addGlob(literal, anywhere, g)) return null;
    }
  }
  // git matches every path against every pathspec: past a few hundred, reading the whole tree costs less.
  const outer = outermost(literal);
  if (outer.length + anywhere.size > MAX_PATHSPECS) return null;
  return { literal: outer, anywhere: [...anywhere].sort() };
}

/** The paths not inside a directory of the set (`packages/web/src/` within `packages/web/`): each costs git a match per index entry. */
function outermost(paths: Set<string>): string[] {
  const dirs = [...paths].filter((p) => p.endsWith('/'));
  return [...paths].filter((p) => !dirs.some((d) => d !== p && p.startsWith(d))).sort();
}

/** The scope as git pathspecs (magic included: the caller must not set GIT_LITERAL_PATHSPECS). */
export function scopePathspecs(scope: ReadScope): string[] {
  return [...scope.literal.map((p) => `:(literal)${p}`), ...scope.anywhere.map((n) => `:(glob)**/${n}`)];
}

/**
 * The scope as literal paths for commands that take pathspecs literally: its
 * directories and files, and the tracked files of `tracked` (the scoped
 * snapshot's list) whose name is matched at any depth.
 */
export function scopeLiteralPaths(scope: ReadScope, tracked: readonly string[]): string[] {
  const names = new Set(scope.anywhere);
  const under = (p: string) => scope.literal.some((l) => p === l || (l.endsWith('/') && p.startsWith(l)));
  const extra = names.size ? tracked.filter((p) => names.has(p.slice(p.lastIndexOf('/') + 1)) && !under(p)) : [];
  return [...scope.literal, ...extra];
}
