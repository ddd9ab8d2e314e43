/** Applies the documented defaults to a validated config. */
import { parseDuration } from './duration.js';
import { builtinOf } from '../builtins/names.js';
import { HOOK_EVENTS, type HookEvent, type ResolvedCheck, type ResolvedConfig, type ResolvedHook, type ResolvedWebhook, type RemoteConfig } from './types.js';

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

/**
 * A built-in check (`heph:<name>`) is given files like a command with
 * `{files}` (so it is cached per file like one); without `files` it looks at
 * every file (staged ones in a commit).
 */
const withFiles = (cmd: string | null | undefined) => (cmd && builtinOf(cmd) !== null && !cmd.includes('{files}') ? `${cmd} {files}` : cmd ?? null);

function resolveCheck(phase: string, c: Raw): ResolvedCheck {
  const ttl: string = c.ttl ?? 'forever';
  const files = c.files ?? (builtinOf(c.run) !== null ? ['*'] : null);
  return {
    id: `${phase}/${c.name}`,
    phase,
    name: c.name,
    run: withFiles(c.run)!,
    shell: c.shell ?? false,
    fix: withFiles(c.fix),
    files,
    // Built-ins look at links themselves (broken-symlinks needs them); a tool given one reads its target.
    symlinks: c.symlinks ?? builtinOf(c.run) !== null,
    inputs: c.inputs ?? files,
    env: c.env ?? [],
    ttl,
    ttlMs: parseDuration(ttl)!,
    tags: c.tags ?? [],
    platform: c.platform ?? null,
    timeoutMs: c.timeout ? parseDuration(c.timeout) : null,
    cwd: normaliseCwd(c.cwd),
    source: null,

    incremental: c.incremental ?? true,
  };
}

function resolveRemote(r: Raw): RemoteConfig {
  return { url: r.url ?? null, mode: r.mode ?? 'read', namespace: r.namespace, publicKey: r.publicKey, timeoutMs: parseDuration(r.timeout ?? '500ms')! };
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
      webhooks: (s.webhooks ?? []).map(
        (w: Raw): ResolvedWebhook => ({
          url: w.url,
          events: w.events ?? ['failed'],
          hooks: w.hooks ?? ['pre-push', 'run'],
          format: w.format ?? 'standard',
          secretEnv: w.secretEnv ?? null,
          timeoutMs: parseDuration(w.timeout ?? '4s')!,
        }),
      ),
      ...(s.remote ? { remote: resolveRemote(s.remote) } : {}),
    },
    phases: raw.phases.map((p: Raw) => ({ name: p.name, checks: p.checks.filter((c: Raw) => c.enabled !== false).map((c: Raw) => resolveCheck(p.name, c)) })),
    hooks,
  };
}
