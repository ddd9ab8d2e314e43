/**
 * `heph install` / `heph uninstall`: small POSIX sh shims (hooks/shim.sh) in
 * the folder git runs hooks from. A hook that was already there is kept as
 * `<event>.pre-heph` and still runs, first; uninstall puts it back. Installing
 * twice changes nothing and says so.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContext } from './context.js';
import { findRepo, hephDir } from '../git/repo.js';
import { hooksDir } from '../git/hooks-dir.js';
import { git } from '../git/exec.js';
import { HOOK_EVENTS, type HookEvent } from '../config/types.js';
import { cliEntry, packageRoot } from '../paths.js';
import { EXIT, HephError } from '../errors.js';
import type { Output } from '../report/output.js';

const MARK = '# heph-shim';
const PREVIOUS = '.pre-heph';
/** Events whose data git passes on stdin: the shim keeps a copy for the chained hook. */
const STDIN_EVENTS: HookEvent[] = ['pre-push', 'post-rewrite'];

/** A value inside a double-quoted sh string. */
const shQuote = (s: string) => s.replace(/[\\"$`]/g, (c) => `\\${c}`);

export function renderShim(template: string, event: HookEvent, node: string, heph: string): string {
  return template
    .replaceAll('@EVENT@', event)
    .replaceAll('@NODE@', shQuote(node))
    .replaceAll('@HEPH@', shQuote(heph))
    .replaceAll('@STDIN@', STDIN_EVENTS.includes(event) ? '1' : '0');
}

const isShim = (file: string) => existsSync(file) && readFileSync(file, 'utf8').includes(MARK);
const stateFile = (dir: string) => join(dir, 'install.json');

function readState(dir: string): { hooksPathSet?: string } {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8'));
  } catch {
    return {};
  }
}

export async function installCommand(flags: { force?: boolean; into?: string }, out: Output): Promise<number> {
  const ctx = await loadContext();
  if (flags.into !== undefined) return (await import('./install-into.js')).installInto(ctx, String(flags.into), out);
  const { repo } = ctx;
  const found = await hooksDir(repo.root);
  let dir = found.dir;
  const state = readState(ctx.dir);
  const hp = found.hooksPath;
  if (hp && state.hooksPathSet !== hp.value && !(hp.local && hp.value && isHephDir(found.dir))) {
    if (!flags.force) {
      throw new HephError(
        'usage',
        `core.hooksPath is set to ${hp.value} in the ${hp.origin}: git runs hooks from there${hp.local ? '' : ' for every repository'}, so heph's hooks would not run or would overwrite another tool's`,
        `heph install --force sets core.hooksPath for this repository only, to ${join(repo.commonDir, 'hooks')}, and installs there; heph uninstall undoes it`,
      );
    }
    dir = join(repo.commonDir, 'hooks');
    await git(['config', '--local', 'core.hooksPath', dir], { cwd: repo.root });
    mkdirSync(ctx.dir, { recursive: true });
    writeFileSync(stateFile(ctx.dir), JSON.stringify({ hooksPathSet: dir, previous: hp.value }, null, 2));
    out.warn(`set core.hooksPath to ${dir} for this repository (it was ${hp.value} from the ${hp.origin})`);
  }
  mkdirSync(dir, { recursive: true });
  const template = readFileSync(join(packageRoot(), 'hooks', 'shim.sh'), 'utf8');
  const heph = cliEntry();
  const events = Object.keys(ctx.config.hooks) as HookEvent[];
  const changes: string[] = [];
  for (const event of events) {
    const file = join(dir, event);
    const content = renderShim(template, event, process.execPath, heph);
    if (isShim(file)) {
      if (readFileSync(file, 'utf8') === content) continue;
      changes.push(`updated ${event}`);
    } else if (existsSync(file)) {
      if (existsSync(file + PREVIOUS)) throw new HephError('usage', `both ${file} and ${file + PREVIOUS} exist and neither is heph's`, `move one of them away, then run heph install again`);
      renameSync(file, file + PREVIOUS);
      changes.push(`installed ${event} (the existing hook is kept as ${event}${PREVIOUS} and runs first)`);
    } else changes.push(`installed ${event}`);
    writeFileSync(file, content);
    chmodSync(file, 0o755);
  }
  for (const event of HOOK_EVENTS) {
    if (events.includes(event) || !isShim(join(dir, event))) continue;
    removeShim(dir, event);
    changes.push(`removed ${event} (no longer in .heph.json)`);
  }
  if (!changes.length) out.line(`hooks already installed in ${dir}; nothing changed`);
  else {
    for (const c of changes) out.line(`${c}`);
    out.line(`hooks in ${dir} run ${heph}`);
  }
  return EXIT.ok;
}

/** True when the folder holds heph shims (core.hooksPath already pointing at our install). */
function isHephDir(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => isShim(join(dir, f)));
  } catch {
    return false;
  }
}

function removeShim(dir: string, event: string): void {
  const file = join(dir, event);
  rmSync(file, { force: true });
  if (existsSync(file + PREVIOUS)) renameSync(file + PREVIOUS, file);
}

export async function uninstallCommand(out: Output): Promise<number> {
  const repo = await findRepo();
  const dir = hephDir(repo);
  const found = await hooksDir(repo.root);
  const removed: string[] = [];
  for (const event of HOOK_EVENTS) {
    if (!isShim(join(found.dir, event))) continue;
    const restored = existsSync(join(found.dir, event + PREVIOUS));
    removeShim(found.dir, event);
    removed.push(restored ? `${event} (restored the hook that was there before)` : event);
  }
  const state = readState(dir);
  if (state.hooksPathSet && found.hooksPath?.value === state.hooksPathSet) {
    await git(['config', '--local', '--unset', 'core.hooksPath'], { cwd: repo.root, okCodes: [5] });
    out.line('unset core.hooksPath for this repository (heph install --force had set it)');
  }
  rmSync(stateFile(dir), { force: true });
  const into = (await import('./install-into.js')).uninstallInto(repo.root, dir, out);
  if (!removed.length && !into) out.line(`no heph hooks in ${found.dir}; nothing to remove`);
  for (const r of removed) out.line(`removed ${r}`);
  return EXIT.ok;
}
