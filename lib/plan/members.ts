/**
 * Which members take part (pure): `--project`, the member a run starts in,
 * a member's own hooks, and, in a hook, whether anything under the member (or
 * among its inputs outside it) changed at all.
 */
import { HOOK_EVENTS, type HookEvent, type Member, type Mode, type ResolvedConfig, type ResolvedHook } from '../config/types.js';
import type { Plan } from './types.js';
import { HephError } from '../errors.js';
import { compileGlobs } from '../util/glob.js';
import type { Selection } from './select.js';

/** How `--project` names the root config's own checks. */
export const ROOT_PROJECT = '.';

export interface MemberOptions {
  /** Members by name or directory (`.` = the root's own checks); null = all. */
  projects: string[] | null;
  /** In a hook, the changed files: a member none of them concerns is skipped. null = no scoping (`heph run`). */
  changed: readonly string[] | null;
  event: HookEvent | null;
  /** Whether the root config defines the event's hook (false: only members' own hooks run). @default true */
  rootHook?: boolean;
}

export function memberOf(config: ResolvedConfig, name: string): Member | undefined {
  return config.members?.find((m) => m.name === name || m.dir === name);
}

/** The deepest member holding `rel` (a path relative to the root), if any. */
export function memberAt(config: ResolvedConfig, rel: string): Member | undefined {
  const inside = (config.members ?? []).filter((m) => rel === m.dir || rel.startsWith(`${m.dir}/`));
  return inside.sort((a, b) => b.dir.length - a.dir.length)[0];
}

function validateProjects(config: ResolvedConfig, projects: string[]): void {
  const unknown = projects.filter((p) => p !== ROOT_PROJECT && !memberOf(config, p));
  if (!unknown.length) return;
  const known = [ROOT_PROJECT, ...(config.members ?? []).map((m) => m.name)].join(', ');
  throw new HephError('usage', `unknown project${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `"${p}"`).join(', ')} (projects: ${known})`, 'a project is a directory with its own .heph.json, by its "name" or its directory; "." is the root config');
}

const noRootHook = (event: HookEvent) => `.heph.json has no ${event} hook`;

function hookSkip(m: Member, event: HookEvent | null, phase: string, tags: string[], rootHook: boolean): string | undefined {
  if (!event) return undefined;
  if (!m.hooks) return rootHook ? undefined : noRootHook(event);
  const hook = m.hooks[event];
  if (!hook) return `${m.file} has no ${event} hook`;
  if (hook.phases && !hook.phases.includes(phase)) return `phase ${phase} not in ${m.name}'s ${event} hook`;
  const tag = tags.find((t) => hook.skipTags.includes(t));
  return tag ? `tag ${tag} skipped in ${m.name}'s ${event} hook` : undefined;
}

export function scopeMembers(config: ResolvedConfig, selection: Selection, opts: MemberOptions): Selection {
  if (opts.projects) validateProjects(config, opts.projects);
  if (!config.members?.length) return selection;
  const wanted = opts.projects && new Set(opts.projects.map((p) => (p === ROOT_PROJECT ? ROOT_PROJECT : memberOf(config, p)!.name)));
  const touched = new Map<string, boolean>();
  const changedIn = (m: Member) => {
    let hit = touched.get(m.name);
    if (hit === undefined) touched.set(m.name, (hit = opts.changed!.some(compileGlobs(m.scope))));
    return hit;
  };
  const phases = selection.phases.map((p) => ({
    name: p.name,
    checks: p.checks
      .filter((s) => !wanted || wanted.has(s.check.member ?? ROOT_PROJECT))
      .map((s) => {
        const m = s.check.member !== undefined ? memberOf(config, s.check.member) : undefined;
        if (!m && opts.event && opts.rootHook === false) return { check: s.check, skip: noRootHook(opts.event), files: null };
        // A member untouched by the change says so, rather than "no matching files" check by check.
        if (!m || (s.skip && !(s.skip === 'no matching files' && opts.changed && !changedIn(m)))) return s;
        const skip = hookSkip(m, opts.event, p.name, s.check.tags, opts.rootHook !== false) ?? (opts.changed && !changedIn(m) ? `nothing changed in ${m.name}` : undefined);
        return skip ? { check: s.check, skip, files: null } : s;
      }),
  }));
  return { phases: phases.filter((p) => p.checks.length > 0) };
}

/** The events heph handles: the root's hooks and every member's own (a member's event gets its shim too). */
export function hookEvents(config: ResolvedConfig): HookEvent[] {
  const wanted = new Set<string>([...Object.keys(config.hooks), ...(config.members ?? []).flatMap((m) => Object.keys(m.hooks ?? {}))]);
  return HOOK_EVENTS.filter((e) => wanted.has(e));
}

/**
 * The hook an event runs with: the root's; when only members define it, one
 * with every phase and tag, under which only those members' checks run (each
 * by its own hook, mode included); undefined when nothing handles the event.
 */
export function eventHook(config: ResolvedConfig, event: HookEvent): ResolvedHook | undefined {
  const own = (config.members ?? []).map((m) => m.hooks?.[event]).filter((h): h is ResolvedHook => !!h);
  return config.hooks[event] ?? (own.length ? { mode: own[0].mode, phases: null, skipTags: [] } : undefined);
}

/** The config with every member's own hooks in `mode`: `--fast` (or HEPH_FAST=1) is asked for on the command line, and wins over every config file. */
export function withMemberMode(config: ResolvedConfig, mode: Mode): ResolvedConfig {
  if (!config.members?.some((m) => m.hooks)) return config;
  const members = config.members.map((m) => (m.hooks ? { ...m, hooks: Object.fromEntries(Object.entries(m.hooks).map(([e, h]) => [e, { ...h!, mode }])) } : m));
  return { ...config, members };
}

/** The members whose own hook for this event runs in the other mode than the run's, if any. */
export function memberModes(config: ResolvedConfig, event: HookEvent | null, mode: Mode): { mode: Mode; members: Set<string> } | null {
  if (!event) return null;
  const other: Mode = mode === 'fast' ? 'full' : 'fast';
  const members = new Set((config.members ?? []).filter((m) => m.hooks?.[event]?.mode === other).map((m) => m.name));
  return members.size ? { mode: other, members } : null;
}

/** The plan with the items of `members` taken from the plan decided in their mode (same selection, same order). */
export function mixModes(plan: Plan, alt: Plan, members: Set<string>): Plan {
  const altItems = new Map(alt.phases.flatMap((p) => p.items.map((i) => [i.id, i] as const)));
  return {
    ...plan,
    phases: plan.phases.map((p) => ({ ...p, items: p.items.map((i) => (i.check.member !== undefined && members.has(i.check.member) ? altItems.get(i.id) ?? i : i)) })),
  };
}
