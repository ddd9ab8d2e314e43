/**
 * After a run: shares the passes it proved, when the shared cache is writable
 * here (mode write or read-write, with the signing key in the environment).
 * Only checks that ran and passed on a cacheable snapshot are shared; fixed,
 * failed and reused results never are. A remote that cannot be written warns
 * once; the run's outcome is never changed by it.
 */
import { hostname } from 'node:os';
import type { Context } from './context.js';
import type { Output } from '../report/output.js';
import type { Prepared } from '../run/pipeline.js';
import type { RunReport } from '../run/types.js';
import { canWrite, remoteSettings } from '../state/remote-settings.js';
import { gitText } from '../git/exec.js';
import { VERSION } from '../version.js';

async function branchOf(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const named = env.HEPH_REMOTE_BRANCH || env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME;
  if (named) return named;
  try {
    return (await gitText(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: root, okCodes: [1] })) || null;
  } catch {
    return null;
  }
}

export async function publishPasses(ctx: Context, out: Output, prepared: Prepared, report: RunReport, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const s = remoteSettings(ctx.config, env);
  if (!s || 'problem' in s || !canWrite(s) || report.interrupted) return;
  const items = new Map(prepared.plan.phases.flatMap((p) => p.items).map((i) => [i.id, i]));
  const passed = report.checks.flatMap((c) => {
    const item = items.get(c.id);
    const fp = prepared.fingerprints.get(c.id);
    if (c.status !== 'passed' || !item || item.action !== 'run' || !item.cacheable || !fp || fp.digest !== c.fingerprint) return [];
    return [{ id: c.id, fingerprint: fp.digest, components: fp.components, durationMs: Math.round(c.durationMs), at: Date.now() }];
  });
  if (!passed.length) return;
  const { publish, recordRemoteError } = await import('../state/remote-cache.js');
  const who = { machine: env.HEPH_REMOTE_MACHINE || (env.CI ? 'CI' : hostname()), branch: await branchOf(ctx.repo.root, env), heph: VERSION };
  // In a hook the budget is the configured one; elsewhere (CI) writes may take longer.
  const budget = report.event ? s.timeoutMs : Math.max(s.timeoutMs * 10, 5000);
  const res = await publish(s, passed, who, budget);
  if (res.error) {
    out.warn(`remote cache not written (${res.error})`);
    recordRemoteError(ctx.dir, res.error);
  }
}
