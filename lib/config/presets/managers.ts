/**
 * Other hook managers a repository already uses: `heph init` names each, says
 * what `heph install` will do next to it, and how to convert its hooks.
 */
import type { Probe } from './types.js';

export interface HookManager {
  name: 'pre-commit' | 'husky' | 'lint-staged' | 'lefthook' | 'simple-git-hooks';
  /** Where it was found. */
  found: string;
  /** What heph does about it. */
  effect: string;
}

/** The hooks stay in .git/hooks: heph install keeps each as <event>.pre-heph and runs it first. */
const CHAINED = "heph install keeps its installed hooks and runs them first (as <event>.pre-heph), so both would check each commit";

function pkgKeys(p: Probe): Record<string, unknown> {
  try {
    return JSON.parse(p.read('package.json') ?? '{}') ?? {};
  } catch {
    return {};
  }
}

export function detectHookManagers(p: Probe): HookManager[] {
  const names = p.rootNames();
  const pkg = pkgKeys(p);
  const deps = { ...(pkg.dependencies as object), ...(pkg.devDependencies as object) };
  const first = (re: RegExp) => names.find((n) => re.test(n));
  const found: HookManager[] = [];
  if (p.has('.pre-commit-config.yaml')) found.push({ name: 'pre-commit', found: '.pre-commit-config.yaml', effect: CHAINED });
  if (p.has('.husky')) {
    found.push({ name: 'husky', found: '.husky/', effect: "husky points git's core.hooksPath at .husky/_: heph install stops and asks for --force, which points git at heph's hooks instead, and husky's hooks no longer run" });
  }
  const lintStaged = first(/^(\.lintstagedrc(\..+)?|lint-staged\.config\.[cm]?[jt]s)$/) ?? ('lint-staged' in pkg ? 'package.json "lint-staged"' : undefined);
  if (lintStaged) found.push({ name: 'lint-staged', found: lintStaged, effect: 'it runs from another manager\'s pre-commit hook; heph checks staged files itself, with unstaged work put aside' });
  const lefthook = first(/^\.?lefthook(-local)?\.(ya?ml|json|jsonc|toml)$/);
  if (lefthook) found.push({ name: 'lefthook', found: lefthook, effect: CHAINED });
  const simple = first(/^\.?simple-git-hooks\.(c?js|json)$/) ?? ('simple-git-hooks' in pkg ? 'package.json "simple-git-hooks"' : undefined);
  if (simple) found.push({ name: 'simple-git-hooks', found: simple, effect: CHAINED });
  // A dependency alone (its config elsewhere, or not set up yet) is still worth a word.
  for (const name of ['husky', 'lint-staged', 'lefthook', 'simple-git-hooks'] as const) {
    if (name in deps && !found.some((f) => f.name === name)) found.push({ name, found: 'package.json dependency', effect: name === 'husky' ? "its install script points git's core.hooksPath elsewhere: heph install then asks for --force" : CHAINED });
  }
  return found;
}

export function hookManagerLines(found: HookManager[]): string[] {
  return found.map((m) => `${m.name} (${m.found}): ${m.effect}. To convert its hooks into .heph.json instead: heph init --from ${m.name} --force`);
}
