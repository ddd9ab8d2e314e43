/**
 * In a repository with members, result lines come out grouped by member: a
 * line waits until the lines planned before it are out, and a member's group
 * starts with its name. A member a hook skipped whole because nothing in it
 * changed takes one line, not one per check. Checks still run concurrently;
 * only printing waits.
 */
import { colors } from './colors.js';
import type { Plan } from '../plan/types.js';
import type { CheckResult } from '../run/types.js';

export interface Grouped {
  add(r: CheckResult): void;
  /** Prints whatever is still held (an interrupted run, the last group). */
  flush(): void;
}

const untouched = (r: CheckResult) => r.status === 'skipped' && r.reason.startsWith('nothing changed in ');

export function groupedPrinter(plan: Plan, print: (r: CheckResult) => void, line: (s: string) => void): Grouped {
  const order = plan.phases.flatMap((p) => p.items.map((i) => ({ id: i.id, member: i.check.member ?? null })));
  const done = new Map<string, CheckResult>();
  let next = 0;
  let current: string | null | undefined;
  /** The current group's lines, held while every one of them says the member is untouched. */
  let held: CheckResult[] = [];
  let holding = false;
  const endGroup = () => {
    if (holding && held.length) line(`${colors.dim('○')} ${colors.bold(current ?? '(root)')} ${colors.dim(`${held.length} check${held.length === 1 ? '' : 's'} skipped: ${held[0].reason}`)}`);
    held = [];
    holding = false;
  };
  const emit = (r: CheckResult, member: string | null) => {
    if (member !== current) {
      endGroup();
      current = member;
      holding = member !== null;
      if (!holding) line(colors.bold('(root)'));
    }
    if (holding && untouched(r)) return void held.push(r);
    if (holding) {
      // Something ran or was decided otherwise: the group is shown in full.
      line(colors.bold(member!));
      for (const h of held) print(h);
      held = [];
      holding = false;
    }
    print(r);
  };
  const drain = () => {
    while (next < order.length && done.has(order[next].id)) {
      emit(done.get(order[next].id)!, order[next].member);
      next++;
    }
  };
  return {
    add(r) {
      done.set(r.id, r);
      drain();
    },
    flush() {
      for (; next < order.length; next++) {
        const r = done.get(order[next].id);
        if (r) emit(r, order[next].member);
      }
      endGroup();
    },
  };
}
