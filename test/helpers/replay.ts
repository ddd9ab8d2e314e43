/**
 * Differential checks of the pre-commit replay: a run with the replay on is
 * compared with a full run (HEPH_REPLAY=0) on the same state. A replay is
 * only right when the full run reports every check cached (or skipped), with
 * the same lines, and exits 0.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo, Result } from './repo.js';

export const HOOK = ['hook', 'run', 'pre-commit'];

/** Whether a run (with HEPH_DEBUG=replay) says it replayed. */
export const replayed = (r: Result): boolean => /^heph:replay\b.*\breplayed\b/m.test(r.stderr);

/** The miss reason a run (with HEPH_DEBUG=replay) gives, if any. */
export const missReason = (r: Result): string | null => /^heph:replay\b.*\bmiss: (.*)$/m.exec(r.stderr)?.[1] ?? null;

/**
 * Output with what legitimately differs between two runs taken out: the
 * replay's debug lines and the total duration in the summary line. The order
 * of lines stays: a run whose every check is reused prints them in plan order.
 */
export function normalized(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^heph:[a-z]+ /.test(l))
    .map((l) => l.replace(/ in \d+(\.\d+)?(ms|s)((\x1b\[[0-9;]*m)*)$/, ' in T$3'));
}

/** Check lines of human output: each check's status word. */
export function checkStatuses(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of stdout.split('\n')) {
    const m = /^\S+\s+(\S+\/\S+)\s+(passed|failed|fixed|cached|skipped|not run)\b/.exec(l.replace(/\x1b\[[0-9;]*m/g, ''));
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Why a replayed run `a` disagrees with the full run `full` made right after
 * on the same state; null when it does not.
 */
export function disagreement(a: Result, full: Result): string | null {
  if (a.code !== 0) return `the replay exited ${a.code}`;
  if (full.code !== 0) return `the full run exited ${full.code}`;
  const st = checkStatuses(full.stdout);
  const notCached = Object.entries(st).filter(([, s]) => s !== 'cached' && s !== 'skipped');
  if (notCached.length) return `the full run did not find every check cached: ${notCached.map(([c, s]) => `${c} ${s}`).join(', ')}`;
  if (!Object.keys(st).length && full.stdout.trim()) return `no check line in the full run's output`;
  const [ao, fo] = [normalized(a.stdout), normalized(full.stdout)];
  if (JSON.stringify(ao) !== JSON.stringify(fo)) return `stdout differs`;
  const [ae, fe] = [normalized(a.stderr), normalized(full.stderr)];
  if (JSON.stringify(ae) !== JSON.stringify(fe)) return `stderr differs`;
  return null;
}

export function describe(a: Result, full: Result): string {
  return `replay run (exit ${a.code}):\n${a.stdout}${a.stderr}\nfull run (exit ${full.code}):\n${full.stdout}${full.stderr}`;
}

/**
 * A print of everything a run must not change: every path under the working
 * tree (type, mode, size, mtime, content or link target, .git included
 * except heph's own folders) — the index file and refs among them.
 */
export function treePrint(r: Repo, skip: (rel: string) => boolean = (rel) => /^\.git\/(modules\/.+\/)?heph$/.test(rel)): string {
  const lines: string[] = [];
  // Names as bytes: a name that is not UTF-8 cannot be reached through a decoded string.
  const walk = (rel: Buffer) => {
    const abs = Buffer.concat([Buffer.from(r.dir + '/'), rel]);
    for (const name of readdirSync(abs, { encoding: 'buffer' }).sort(Buffer.compare)) {
      const p = rel.length ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      const shown = JSON.stringify(p.toString('latin1'));
      if (skip(p.toString('latin1'))) continue;
      const full = Buffer.concat([Buffer.from(r.dir + '/'), p]);
      const st = lstatSync(full);
      const head = `${shown} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${st.ino}`;
      if (st.isDirectory()) {
        lines.push(`${head} dir`);
        walk(p);
      } else if (st.isSymbolicLink()) lines.push(`${head} -> ${readlinkSync(full, { encoding: 'buffer' }).toString('latin1')}`);
      else lines.push(`${head} ${createHash('sha1').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(Buffer.alloc(0));
  return lines.join('\n');
}
