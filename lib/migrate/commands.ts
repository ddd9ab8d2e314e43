/**
 * Commands from other tools: naming a check after its tool, and splitting a
 * command that rewrites files (lint-staged tasks, lefthook's stage_fixed) into
 * heph's check (`run`) and repair (`fix`), whose changes heph re-stages.
 */

const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'exec', 'run', 'dlx', 'bundle', 'poetry', 'uv', 'pipx', 'go', 'cargo']);
const RUNNER_FIRST = new Set(['npx', 'pnpx', 'bunx', 'npm', 'pnpm', 'yarn', 'bun', 'bundle', 'poetry', 'uv', 'pipx']);

/** The tool a command runs: `npx --no -- eslint --fix` → eslint; `npm run lint` → lint; `npm test` → test. */
export function toolName(cmd: string): string {
  const words = cmd.trim().split(/\s+/);
  let i = 0;
  if (RUNNER_FIRST.has(words[0])) {
    i = 1;
    while (i < words.length && (words[i].startsWith('-') || RUNNERS.has(words[i]))) i++;
  }
  const w = words[i] ?? words[0] ?? 'check';
  return w.split('/').pop()!.replace(/\.(sh|js|mjs|cjs|py)$/, '');
}

/** Shell syntax a command needs a shell for (heph runs commands without one unless `shell`). */
export const needsShell = (cmd: string) => /[|&;<>()$`*?~]|^\s*\w+=/.test(cmd.replace(/'[^']*'|"(?:[^"\\$`]|\\.)*"/g, ''));

export interface Split {
  run: string;
  fix?: string;
  /** Said to the user when the command could not be split. */
  note?: string;
}

const has = (cmd: string, re: RegExp) => re.test(` ${cmd} `);

/**
 * `eslint --fix` → run `eslint`, fix `eslint --fix`; `prettier --write` → `--check`;
 * `black`/`ruff format`/`rustfmt` → their `--check`; `isort` → `--check-only`.
 * A command that does not rewrite files stays a plain check.
 */
export function splitFixer(cmd: string): Split {
  const tool = toolName(cmd);
  if (has(cmd, /\s--fix(=\S*)?\s/)) return { run: cmd.replace(/\s--fix(=\S*)?(?=\s|$)/g, ''), fix: cmd };
  if (tool === 'prettier' && has(cmd, /\s(--write|-w)\s/)) return { run: cmd.replace(/(\s)(--write|-w)(?=\s|$)/, '$1--check'), fix: cmd };
  if (tool === 'rubocop' && has(cmd, /\s(-a|-A|--autocorrect|--autocorrect-all|--auto-correct)\s/)) return { run: cmd.replace(/\s(-a|-A|--autocorrect-all|--autocorrect|--auto-correct)(?=\s|$)/g, ''), fix: cmd };
  if (tool === 'black' && !has(cmd, /\s--check\s/)) return { run: cmd.replace(/\bblack\b/, 'black --check'), fix: cmd };
  if (tool === 'isort' && !has(cmd, /\s(--check-only|-c)\s/)) return { run: cmd.replace(/\bisort\b/, 'isort --check-only'), fix: cmd };
  if (tool === 'rustfmt' && !has(cmd, /\s--check\s/)) return { run: cmd.replace(/\brustfmt\b/, 'rustfmt --check'), fix: cmd };
  if (tool === 'ruff' && /\bruff\s+format\b/.test(cmd) && !has(cmd, /\s--check\s/)) return { run: cmd.replace(/\bruff\s+format\b/, 'ruff format --check'), fix: cmd };
  if (has(cmd, /\s(-w|--write|-i|--in-place|--autofix|--apply)\s/)) {
    return { run: cmd, note: `"${cmd}" looks like it rewrites files: heph runs it as a check and re-stages only what a \`fix\` changes; split it into "run" (a check-only form) and "fix"` };
  }
  return { run: cmd };
}
