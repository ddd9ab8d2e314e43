/** What a migration builds: checks by git event, and an account of what was and was not converted. */

export const EVENTS = ['pre-commit', 'pre-push', 'commit-msg'] as const;
export type Event = (typeof EVENTS)[number];

export interface MigratedCheck {
  name: string;
  description?: string;
  run: string;
  fix?: string;
  shell?: boolean;
  files?: string[];
}

export interface Migration {
  tool: string;
  /** The files the configuration was read from (relative to the root). */
  sources: string[];
  checks: Record<Event, MigratedCheck[]>;
  /** One line per converted item: `what → check`. */
  converted: string[];
  /** What was not converted, and why. */
  skipped: { what: string; why: string }[];
  /** Things to look at in what was converted. */
  notes: string[];
  /** How to remove the old tool once heph is in place. */
  removal: string[];
}

export function newMigration(tool: string): Migration {
  return { tool, sources: [], checks: { 'pre-commit': [], 'pre-push': [], 'commit-msg': [] }, converted: [], skipped: [], notes: [], removal: [] };
}

/** A name valid in `.heph.json` and unique in its event: `eslint`, `eslint-2`. */
export function addCheck(m: Migration, event: Event, check: MigratedCheck, what: string): string {
  const base = check.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/-+$/, '') || 'check';
  let name = base;
  for (let i = 2; m.checks[event].some((c) => c.name === name); i++) name = `${base}-${i}`;
  m.checks[event].push({ ...check, name });
  m.converted.push(`${what} → ${event}/${name}`);
  return name;
}

/** The `.heph.json` of a migration: one phase per git event, each event's hook running its phase. */
export function migratedConfig(m: Migration): Record<string, unknown> {
  const phases = EVENTS.filter((e) => m.checks[e].length).map((e) => ({ name: e, checks: m.checks[e] }));
  const hooks: Record<string, unknown> = {};
  if (m.checks['pre-commit'].length) hooks['pre-commit'] = { mode: 'fast', phases: ['pre-commit'] };
  if (m.checks['pre-push'].length) hooks['pre-push'] = { mode: 'full', phases: ['pre-push'] };
  if (m.checks['commit-msg'].length) hooks['commit-msg'] = { phases: ['commit-msg'] };
  return { phases, hooks };
}

/** Why the commands of a git event other than pre-commit, pre-push and commit-msg are not converted. */
export function skipEvent(event: string): string {
  if (event === 'post-checkout' || event === 'post-merge' || event === 'post-rewrite') {
    return `heph re-syncs on ${event} through checks with inputs (a lockfile), not by running commands each time: see heph init --preset for the dependencies checks`;
  }
  return `heph converts pre-commit, pre-push and commit-msg commands; ${event} has no equivalent`;
}
