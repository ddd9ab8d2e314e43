/**
 * An error while starting one check (here a command that cannot be split,
 * which the config loader refuses but a library caller can still hand over)
 * fails that check only: the others run, and their results reach the store.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute } from '../../lib/run/execute.js';
import { openStore } from '../../lib/state/store.js';
import { nullLog } from '../../lib/state/logs.js';
import type { ResolvedCheck } from '../../lib/config/types.js';
import type { PlanItem } from '../../lib/plan/types.js';
import type { Fingerprint } from '../../lib/state/fingerprint.js';

function item(name: string, run: string): PlanItem {
  const check: ResolvedCheck = { id: `p/${name}`, phase: 'p', name, run, shell: false, fix: null, files: null, symlinks: false, inputs: null, env: [], ttlMs: Infinity, ttl: 'forever', tags: [], platform: null, timeoutMs: null, cwd: '', incremental: true };
  return { id: check.id, check, action: 'run', reason: 'full mode', files: null, fingerprint: `fp-${name}`, cacheable: true };
}

const fp = (name: string): Fingerprint => ({
  digest: `fp-${name}`,
  cacheable: true,
  components: { command: 'c', inputs: 'i', inputCount: 0, scope: 'all', env: {}, platform: 'x', version: 1 },
  manifest: () => '',
});

test('a check that cannot be started is failed; the rest of the phase runs and is stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'heph-exec-'));
  const store = await openStore({ dir });
  try {
    const items = [item('bad', 'echo "oops'), item('ok', 'true'), item('ok2', 'true')];
    const report = await execute(
      { mode: 'full', event: null, phases: [{ name: 'p', items }] },
      { root: dir, concurrency: 1, autoFix: false, env: process.env, store, fingerprints: new Map(items.map((i) => [i.id, fp(i.check.name)])), log: nullLog },
    );
    assert.equal(report.checks.map((c) => [c.id, c.status]), [['p/bad', 'failed'], ['p/ok', 'passed'], ['p/ok2', 'passed']]);
    assert.match(report.checks[0].reason, /unterminated "/);
    const stored = await store.getResults(['p/ok', 'p/ok2']);
    assert.is(stored.get('p/ok')?.status, 'passed');
    assert.is(stored.get('p/ok2')?.status, 'passed');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
