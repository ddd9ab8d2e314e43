/** Which other hook tools a repository is set up with (for `heph init` to offer converting). Light: no parsing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstExisting, packageJson, readText } from './files.js';

export const TOOLS = ['pre-commit', 'lefthook', 'lint-staged', 'husky', 'simple-git-hooks'] as const;
export type Tool = (typeof TOOLS)[number];

export const LEFTHOOK_FILES = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml', 'lefthook.json', '.lefthook.json', 'lefthook.toml', '.config/lefthook.yml', '.config/lefthook.yaml'];
export const LINT_STAGED_FILES = [
  '.lintstagedrc', '.lintstagedrc.json', '.lintstagedrc.yaml', '.lintstagedrc.yml',
  '.lintstagedrc.mjs', '.lintstagedrc.js', '.lintstagedrc.cjs',
  'lint-staged.config.mjs', 'lint-staged.config.js', 'lint-staged.config.cjs',
];
export const SGH_FILES = ['.simple-git-hooks.cjs', '.simple-git-hooks.js', '.simple-git-hooks.mjs', '.simple-git-hooks.json', 'simple-git-hooks.cjs', 'simple-git-hooks.js', 'simple-git-hooks.mjs', 'simple-git-hooks.json'];

const safePackage = (root: string) => {
  try {
    return packageJson(root);
  } catch {
    return null;
  }
};

/** Where lint-staged's config is, or null. */
export function findLintStaged(root: string): string | null {
  if (safePackage(root)?.['lint-staged']) return 'package.json';
  return firstExisting(root, LINT_STAGED_FILES);
}

export function detectTools(root: string): Tool[] {
  const pkg = safePackage(root);
  return TOOLS.filter((t) => {
    if (t === 'pre-commit') return readText(root, '.pre-commit-config.yaml') !== null;
    if (t === 'lefthook') return firstExisting(root, LEFTHOOK_FILES) !== null;
    if (t === 'lint-staged') return findLintStaged(root) !== null;
    if (t === 'husky') return existsSync(join(root, '.husky')) || !!pkg?.husky?.hooks;
    return !!pkg?.['simple-git-hooks'] || firstExisting(root, SGH_FILES) !== null;
  });
}
