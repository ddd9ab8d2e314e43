/**
 * lint-staged: `{ "<glob>": "command" | ["command", ...] }`, from package.json's
 * "lint-staged" key or a .lintstagedrc* / lint-staged.config.* file. Each
 * command becomes a check over the staged files the glob selects (lint-staged
 * appends the files; heph's `{files}` does the same).
 */
import { splitFixer, needsShell, toolName } from './commands.js';
import { findLintStaged } from './detect.js';
import { packageJson, readData, type Any } from './read.js';
import { addCheck, type Migration } from './result.js';


export function migrateLintStaged(root: string, m: Migration, via?: string): boolean {
  const where = findLintStaged(root);
  if (!where) return false;
  const config: Any = where === 'package.json' ? packageJson(root)['lint-staged'] : readData(root, where);
  m.sources.push(where === 'package.json' ? 'package.json ("lint-staged")' : where);
  const from = (glob: string) => `lint-staged ${JSON.stringify(glob)}${via ? ` (${via})` : ''}`;
  if (typeof config === 'function') {
    m.skipped.push({ what: `lint-staged config in ${where}`, why: 'it is a function: heph cannot know which commands it returns; add the checks by hand' });
    return true;
  }
  for (const [glob, tasks] of Object.entries(config ?? {})) {
    if (glob === '$schema') continue;
    for (const task of Array.isArray(tasks) ? tasks : [tasks]) {
      if (typeof task !== 'string') {
        m.skipped.push({ what: `${from(glob)}: a function task`, why: 'a function builds its commands at commit time; add the check by hand' });
        continue;
      }
      if (/^git add\b/.test(task.trim())) {
        m.notes.push(`${from(glob)}: "${task}" dropped: heph re-stages what fixes change`);
        continue;
      }
      // lint-staged globs without a slash match the file name at any depth, as heph's do.
      const split = splitFixer(task);
      if (split.note) m.notes.push(split.note);
      const shell = needsShell(task);
      addCheck(
        m,
        'pre-commit',
        { name: toolName(task), run: `${split.run} {files}`, ...(split.fix ? { fix: `${split.fix} {files}` } : {}), ...(shell ? { shell: true } : {}), files: [glob] },
        `${from(glob)}: ${task}`,
      );
    }
  }
  m.removal.push(
    where === 'package.json' ? 'remove the "lint-staged" key from package.json' : `delete ${where}`,
    'npm uninstall lint-staged (and remove the line that runs it from your hook manager)',
  );
  return true;
}
