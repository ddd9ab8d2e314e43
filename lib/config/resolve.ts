/** Applies the documented defaults to a validated config. */
import { parseDuration } from './duration.js';
import { HOOK_EVENTS, type HookEvent, type ResolvedCheck, type ResolvedConfig, type ResolvedHook } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- validated input */
type Raw = any;

export const DEFAULT_HOOKS: HookEvent[] = ['pre-commit', 'pre-push', 'post-checkout', 'post-merge'];

const defaultMode = (event: HookEvent) => (event === 'pre-push' ? 'full' : 'fast');

function normaliseCwd(cwd: string | undefined): string {
  if (!cwd) return '';
  return cwd
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.')
    .join('/');
}

function resolveCheck(phase: string, c: Raw): ResolvedCheck {
  const ttl: string = c.ttl ?? 'forever';
  return {
    id: `${phase}/${c.name}`,
    phase,
    name: c.name,
    run: c.run,
    shell: c.shell ?? false,
    fix: c.fix ?? null,
    files: c.files ?? null,
    inputs: c.inputs ?? c.files ?? null,
    env: c.env ?? [],
    ttl,
    ttlMs: parseDuration(ttl)!,
    tags: c.tags ?? [],
    platform: c.platform ?? null,
    timeoutMs: c.timeout ? parseDuration(c.timeout) : null,
    cwd: normaliseCwd(c.cwd),
    incremental: c.incremental ?? true,
  };
}

export function resolveConfig(raw: Raw, file: string): ResolvedConfig {
  const s = raw.settings ?? {};
  const hooks: Partial<Record<HookEvent, ResolvedHook>> = {};
  const rawHooks: Record<string, Raw> = raw.hooks ?? Object.fromEntries(DEFAULT_HOOKS.map((e) => [e, {}]));
  for (const event of HOOK_EVENTS) {
    const h = rawHooks[event];
    if (h) hooks[event] = { mode: h.mode ?? defaultMode(event), phases: h.phases ?? null, skipTags: h.skipTags ?? [] };
  }
  return {
    file,
    settings: {
      store: s.store ?? 'sqlite',
      logs: { keep: s.logs?.keep ?? 20 },
      minFreeDiskMB: s.minFreeDiskMB ?? 1024,
      lockTimeoutMs: parseDuration(s.lockTimeout ?? '30s')!,
    },
    phases: raw.phases.map((p: Raw) => ({ name: p.name, checks: p.checks.map((c: Raw) => resolveCheck(p.name, c)) })),
    hooks,
  };
}
