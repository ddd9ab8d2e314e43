// TEMPORARY minimal loader (replaced by the validated one).
import { readFileSync } from 'node:fs';
import { HephError } from '../errors.js';
import { parseDuration } from './duration.js';
import type { ResolvedConfig, HookEvent, ResolvedHook } from './types.js';

export function loadConfig(file: string): ResolvedConfig {
  let raw: any;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HephError('config', `${file}: ${(e as Error).message}`);
  }
  const s = raw.settings ?? {};
  const hooks: Partial<Record<HookEvent, ResolvedHook>> = {};
  const rawHooks = raw.hooks ?? { 'pre-commit': {}, 'pre-push': {}, 'post-checkout': {}, 'post-merge': {} };
  for (const [ev, h] of Object.entries<any>(rawHooks)) hooks[ev as HookEvent] = { mode: h.mode ?? (ev === 'pre-push' ? 'full' : 'fast'), phases: h.phases ?? null, skipTags: h.skipTags ?? [] };
  return {
    file,
    settings: { store: 'sqlite', logs: { keep: s.logs?.keep ?? 20 }, minFreeDiskMB: s.minFreeDiskMB ?? 1024, lockTimeoutMs: parseDuration(s.lockTimeout ?? '30s')! },
    hooks,
    phases: raw.phases.map((p: any) => ({
      name: p.name,
      checks: p.checks.map((c: any) => ({
        id: `${p.name}/${c.name}`, phase: p.name, name: c.name, run: c.run, shell: !!c.shell, fix: c.fix ?? null, files: c.files ?? null,
        inputs: c.inputs ?? c.files ?? null, env: c.env ?? [], ttl: c.ttl ?? 'forever', ttlMs: parseDuration(c.ttl ?? 'forever')!, tags: c.tags ?? [],
        platform: c.platform ?? null, timeoutMs: c.timeout ? parseDuration(c.timeout) : null, cwd: (c.cwd ?? '').replace(/^\.\/?/, '').replace(/\/$/, ''),
      })),
    })),
  };
}
