/**
 * `--interactive`: whether each fix is applied. The answers "all" and "quit"
 * settle every later fix of the run; without a terminal nothing is asked and
 * no fix is applied, and each such check's reason says so.
 */
import type { PlanItem } from '../plan/types.js';

export type FixAnswer = 'yes' | 'no' | 'all' | 'quit';

export type FixDecision = { apply: true } | { apply: false; reason: string };

export type ConfirmFix = (item: PlanItem) => Promise<FixDecision>;

/** Turns a question into the run's fix decisions (asked one at a time by the executor). */
export function confirmWith(ask: (item: PlanItem) => Promise<FixAnswer>): ConfirmFix {
  let settled: 'all' | 'quit' | null = null;
  return async (item) => {
    const answer = settled ?? (await ask(item));
    if (answer === 'all' || answer === 'quit') settled = answer;
    if (answer === 'yes' || answer === 'all') return { apply: true };
    return { apply: false, reason: answer === 'quit' ? 'fix not applied (quit)' : 'fix declined' };
  };
}

export const NO_TERMINAL = 'fix not applied: --interactive needs a terminal to ask';

/**
 * The fix policy of a run: undefined (apply every fix) unless interactive.
 * Interactive asks with a prompt when stdin and stdout are a terminal and the
 * report is not JSON; otherwise (a git hook, --json) on the controlling
 * terminal; without one, it applies no fix and each reason says so.
 */
export function fixPolicy(interactive: boolean, json: boolean): ConfirmFix | undefined {
  if (!interactive) return undefined;
  if (process.stdin.isTTY && process.stdout.isTTY && !json) {
    return confirmWith(async (item) => (await import('./ask.js')).askFix(item.id, item.check.fix ?? ''));
  }
  let tty: boolean | undefined;
  const onTty = confirmWith(async (item) => (await import('./ask.js')).askFixOnTty(item.id, item.check.fix ?? ''));
  return async (item) => {
    tty ??= (await import('./ask.js')).hasTty();
    return tty ? onTty(item) : { apply: false, reason: NO_TERMINAL };
  };
}
