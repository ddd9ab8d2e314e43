/** A sealed plan's items by check id (pure). */
import type { Plan, PlanItem } from './types.js';

export function planItems(plan: Plan): Map<string, PlanItem> {
  return new Map(plan.phases.flatMap((p) => p.items.map((i) => [i.id, i] as const)));
}
