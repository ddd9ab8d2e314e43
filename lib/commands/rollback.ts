/**
 * `heph rollback`: undo the automatic fixes of the last run that applied any.
 * Only what the fixes changed is touched; edits made since are kept.
 */
import { loadContext } from './context.js';
import { withRunLock } from './run-lock.js';
import { dropRollback, fixedFiles, readRollback, restagedEntries, rollBack } from '../git/rollback.js';
import type { Output } from '../report/output.js';
import { EXIT } from '../errors.js';
import { formatDuration } from '../config/duration.js';
import { openStore } from '../state/store.js';

/** Leaves a row in the run history, so `heph stats` can count fixes that were undone. */
async function recordRollback(dir: string, checks: string[], out: Output): Promise<void> {
  const store = await openStore({ dir, warn: out.warn });
  try {
    const rows = checks.map((id) => ({ id, status: 'rolled-back', durationMs: 0 }));
    await store.addRun({ at: Date.now(), kind: 'rollback', mode: 'full', event: null, ok: true, durationMs: 0, checks: rows });
  } finally {
    await store.close();
  }
}

export async function rollbackCommand(out: Output): Promise<number> {
  const ctx = await loadContext();
  const root = ctx.repo.root;
  return withRunLock(
    ctx,
    out,
    async () => {
      const rec = await readRollback(root);
      if (!rec) {
        out.line('nothing to roll back: no heph run has applied a fix here (or the last one was already rolled back)');
        return EXIT.ok;
      }
      const when = `${new Date(rec.at).toLocaleString()} (${formatDuration(Math.max(0, Date.now() - rec.at))} ago)`;
      const by = rec.checks.length ? ` by ${rec.checks.join(', ')}` : '';
      const changes = await fixedFiles(root, rec);
      const restaged = await restagedEntries(root, rec);
      if (!changes.length && !restaged.length) {
        await dropRollback(root);
        out.line(`nothing to roll back: the fixes of ${when}${by} changed no file`);
        return EXIT.ok;
      }
      const o = await rollBack(root, changes, restaged);
      await recordRollback(ctx.dir, rec.checks, out);
      const done = new Set([...o.restored, ...o.merged, ...o.unstaged]).size;
      out.line(`rolled back ${done} file${done === 1 ? '' : 's'} to before the fixes of ${when}${by}`);
      for (const f of o.restored) out.line(`  restored   ${f}`);
      for (const f of o.merged) out.line(`  restored   ${f} (your edits since are kept)`);
      for (const f of o.unstaged) out.line(`  unstaged   ${f} (the index holds what was staged before the fix)`);
      for (const f of o.unchanged) out.line(`  unchanged  ${f} (already as before the fixes)`);
      if (o.kept.length) {
        for (const k of o.kept) out.warn(`kept ${k.path} as it is: ${k.why}`);
        out.line(`the files as they were before the fixes stay available: git show ${rec.before.worktree}:<path>`);
        return EXIT.checkFailed;
      }
      await dropRollback(root);
      return EXIT.ok;
    },
    { command: 'rollback' },
  );
}
