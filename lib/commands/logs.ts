/** `heph logs [--list]`: print the newest run log, or list the kept ones. */
import { readFileSync, statSync } from 'node:fs';
import { findRepo, hephDir } from '../git/repo.js';
import { listLogs } from '../state/logs.js';
import { formatDuration } from '../config/duration.js';
import type { Output } from '../report/output.js';
import { EXIT } from '../errors.js';

export async function logsCommand(flags: { list?: boolean }, out: Output): Promise<number> {
  const dir = hephDir(await findRepo());
  const logs = listLogs(dir);
  if (!logs.length) {
    out.info('no run logs yet: heph writes one for each run that runs a check');
    return EXIT.ok;
  }
  if (flags.list) {
    const now = Date.now();
    for (const f of logs.slice().reverse()) {
      const st = statSync(f);
      out.line(`${f}  ${formatDuration(now - st.mtimeMs)} ago  ${st.size} bytes`);
    }
    return EXIT.ok;
  }
  process.stdout.write(readFileSync(logs[logs.length - 1], 'utf8'));
  return EXIT.ok;
}
