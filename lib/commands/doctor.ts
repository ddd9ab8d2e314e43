/**
 * `heph doctor`: one line per environment check (git, hooks, config, state
 * store, lock, unstaged changes left aside and copies kept, disk, tools), each problem with how to fix it. Exit 1 if any
 * problem was found. It reads only: no lock is taken, nothing is written.
 */
import type { Output } from '../report/output.js';
import { colors } from '../report/colors.js';
import { EXIT, HephError } from '../errors.js';
import { findRepo, hephDir } from '../git/repo.js';
import { loadContext, type Context } from './context.js';
import { remoteFinding } from './doctor-remote.js';
import { disk, gitVersion, hooks, lock, store, tools, type Finding } from './doctor-checks.js';
import { stashes } from './doctor-stash.js';
import { webhooks } from './doctor-webhooks.js';

async function safely(name: string, fn: () => Finding | Promise<Finding>): Promise<Finding> {
  try {
    return await fn();
  } catch (err) {
    const e = err as HephError;
    return { name, ok: false, detail: e.message, fix: e.hint };
  }
}

export async function doctorCommand(out: Output): Promise<number> {
  const repo = await findRepo();
  const findings: Finding[] = [await safely('git', () => gitVersion(repo.root))];
  let ctx: Context | null = null;
  try {
    ctx = await loadContext(repo.root);
    findings.push({ name: 'config', ok: true, detail: `${ctx.config.file} is valid` });
  } catch (err) {
    const e = err as HephError;
    findings.push({ name: 'config', ok: false, detail: e.message.split('\n').join('; '), fix: e.hint ?? 'fix .heph.json (see docs/configuration.md)' });
  }
  if (ctx) {
    const c = ctx;
    findings.push(await safely('hooks', () => hooks(c)));
    findings.push(await safely('state', () => store(c)));
    findings.push(await safely('lock', () => lock(c.dir)));
    findings.push(...stashes(c.dir, c.repo.gitDir));
    findings.push(await safely('disk', () => disk(c)));
    findings.push(await safely('tools', () => tools(c.config, c.repo.root)));
    findings.push(await safely('webhooks', () => webhooks(c)));
    const remote = await remoteFinding(c).catch((err: Error): Finding => ({ name: 'remote', ok: false, detail: err.message }));
    if (remote) findings.push(remote);
  } else {
    findings.push(await safely('lock', () => lock(hephDir(repo))));
  }
  const width = Math.max(...findings.map((f) => f.name.length));
  for (const f of findings) {
    const mark = f.ok ? colors.green('✔') : colors.red('✖');
    out.line(`${mark} ${f.name.padEnd(width)}  ${f.detail}${f.fix ? colors.dim(`  — fix: ${f.fix}`) : ''}`);
  }
  const problems = findings.filter((f) => !f.ok).length;
  out.line(problems ? colors.red(`heph doctor: ${problems} problem${problems === 1 ? '' : 's'} found`) : colors.green('heph doctor: no problems found'));
  return problems ? EXIT.checkFailed : EXIT.ok;
}
