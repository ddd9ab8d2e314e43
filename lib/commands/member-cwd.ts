/** `heph run` started inside a member runs that member (unless `--all` or `--project`). */
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Context } from './context.js';
import type { RunOptions } from './options.js';
import type { Output } from '../report/output.js';
import { memberAt } from '../plan/members.js';

export function startingMember(ctx: Context, opts: RunOptions, out: Output, cwd = process.cwd()): string[] | null {
  if (opts.all || !ctx.config.members?.length) return null;
  let here: string;
  try {
    here = relative(realpathSync(ctx.repo.root), realpathSync(cwd)).split(sep).join('/');
  } catch {
    return null;
  }
  const m = memberAt(ctx.config, here);
  if (!m) return null;
  if (!opts.json) out.line(`heph: member ${m.name} (run with --all for the whole repository)`);
  return [m.name];
}
