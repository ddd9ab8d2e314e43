/** Builds the run summary from a finished run and writes it where asked. */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSummary, type RunSummary } from '../report/summary.js';
import { git } from '../git/exec.js';
import { VERSION } from '../version.js';
import type { Output } from '../report/output.js';
import type { AfterRun } from './after-run.js';

async function head(root: string): Promise<{ head: string | null; branch: string | null }> {
  const r = await git(['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'], { cwd: root, okCodes: [1, 128] });
  const [sha, ref] = r.stdout.toString('utf8').split('\n');
  return { head: r.code === 0 && sha ? sha : null, branch: ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null };
}

export async function summarizeRun(a: AfterRun): Promise<RunSummary> {
  return buildSummary({
    plan: a.prepared.plan,
    report: a.report,
    components: (id) => a.prepared.fingerprints.get(id)?.components,
    startedAt: a.startedAt,
    endedAt: Date.now(),
    heph: VERSION,
    repo: { root: a.ctx.repo.root, ...(await head(a.ctx.repo.root)) },
    options: { fast: a.opts.fast ?? null, skip: a.opts.skip, skipTests: a.opts.skipTests, autoFix: a.opts.autoFix, phases: a.opts.phases, only: a.opts.only },
  });
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Writes whole or not at all (temp file, then rename); a failure warns and the run's result stands. */
export function writeSummary(target: string, summary: RunSummary, out: Output): void {
  let file = resolve(target);
  try {
    if (target.endsWith('/') || isDir(file)) {
      mkdirSync(file, { recursive: true });
      file = join(file, `heph-summary-${summary.startedAt.replace(/[:.]/g, '-')}-${process.pid}.json`);
    }
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(summary, null, 2) + '\n');
    renameSync(tmp, file);
  } catch (err) {
    out.warn(`could not write the run summary to ${file}: ${(err as Error).message}`);
  }
}
