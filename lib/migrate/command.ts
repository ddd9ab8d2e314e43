/** `heph init --from <tool>`: write the converted `.heph.json` and say what was and was not converted. */
import { renderConfig } from '../config/presets/index.js';
import { validateConfig } from '../config/validate.js';
import { formatProblems } from '../config/load.js';
import { EXIT, HephError } from '../errors.js';
import { writeConfigFile } from '../commands/init-file.js';
import type { Output } from '../report/output.js';
import { migrate, parseTool, report } from './index.js';

export function initFrom(root: string, from: string, file: string, shown: string, out: Output): number {
  const tool = parseTool(from);
  const { config, migration } = migrate(root, tool);
  const problems = validateConfig(config);
  if (problems.length) throw new HephError('internal', `converting ${tool} made an invalid config:\n${formatProblems(file, problems)}`);
  writeConfigFile(file, shown, renderConfig(config));
  const count = (config.phases as { checks: unknown[] }[]).reduce((n, p) => n + p.checks.length, 0);
  out.line(`wrote ${shown}: ${count} check${count === 1 ? '' : 's'} converted from ${tool}`);
  for (const line of report(migration)) out.line(`  ${line}`);
  out.line('next: `heph run --dry-run` shows what would run; `heph install` puts the git hooks in place');
  return EXIT.ok;
}
