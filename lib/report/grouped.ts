/**
 * In a repository with members, result lines come out grouped by member: a
 * line waits until the lines planned before it are out, and a member's group
 * starts with its name. Checks still run concurrently; only printing waits.
 */
import { colors } from './colors.js';
import type { Plan } from '../plan/types.js';
import type { CheckResult } from '../run/types.js';

export interface Grouped {
  add(r: CheckResult): void;
  /** Prints whatever is still held (an interrupted run). */
  flush(): void;
}

export function groupedPrinter(plan: Plan, print: (r: CheckResult) => void, line: (s: string) => void): Grouped {
  const order = plan.phases.flatMap((p) => p.items.map((i) => ({ id: i.id, member: i.check.member ?? null })));
  const done = new Map<string, CheckResult>();
  let next = 0;
  let current: string | null | undefined;
  const emit = (r: CheckResult, member: string | null) => {
    if (member !== current) line(colors.bold(member === null ? '(root)' : member));
    current = member;
    print(r);
  };
  return {
    add(r) {
      done.set(r.id, r);
      while (next < order.length && done.has(order[next].id)) {
        emit(done.get(order[next].id)!, order[next].member);
        next++;
      }
    },
    flush() {
      for (; next < order.length; next++) {
        const r = done.get(order[next].id);
        if (r) emit(r, order[next].member);
      }
    },
  };
}
