/**
 * `heph install` / `heph uninstall`: small POSIX sh shims (hooks/shim.sh) in
 * the folder git runs hooks from. A hook that was already there is kept as
 * `<event>.pre-heph` and still runs, first; uninstall puts it back. Installing
 * twice changes nothing and says so.
 */
import { hookEvents } from '../plan/members.js';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
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
const CHAIN = '# heph-chain';
const isChain = (file: string) => existsSync(file) && readFileSync(file, 'utf8').includes(CHAIN);

/**
 * After `install --force` moves core.hooksPath, the hooks of the old folder
 * would silently stop running: each gets a small script in the new folder that
 * runs it (as `<event>.pre-heph` where heph has a shim, so it runs first).
 * Returns the hooks chained.
 */
function chainHooks(root: string, oldPath: string, dir: string, events: string[]): string[] {
  const old = oldPath.startsWith('~/') ? join(homedir(), oldPath.slice(2)) : oldPath;
  let names: string[];
  try {
    names = readdirSync(isAbsolute(old) ? old : join(root, old)).filter((n) => !n.endsWith('.sample') && !n.includes('.'));
  } catch {
    return [];
  }
  const chained: string[] = [];
  for (const name of names.sort()) {
    const src = join(old, name); // a relative hooksPath is relative to the worktree, where git runs hooks
    try {
      accessSync(isAbsolute(src) ? src : join(root, src), constants.X_OK);
    } catch {
      continue;
    }
    const file = join(dir, events.includes(name) ? name + PREVIOUS : name);
    if (existsSync(file) && !isChain(file)) continue;
    writeFileSync(file, `#!/bin/sh\n${CHAIN}: runs the hook from the core.hooksPath heph install --force replaced; heph uninstall removes it.\nexec "${shQuote(src)}" "$@"\n`);
    chmodSync(file, 0o755);
    chained.push(name);
  }
  return chained;
}
const stateFile = (dir: string) => join(dir, 'install.json');

interface InstallState {
  /** The core.hooksPath `install --force` set. */
  hooksPathSet?: string;
  /** The one it replaced, and whether it was this repository's own (uninstall puts that back). */
  previous?: string;
  previousLocal?: boolean;
}

function readState(dir: string): InstallState {
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
    const next: InstallState = { hooksPathSet: dir, previous: hp.value, previousLocal: hp.local };
    writeFileSync(stateFile(ctx.dir), JSON.stringify(next, null, 2));
    out.warn(`set core.hooksPath to ${dir} for this repository (it was ${hp.value} from the ${hp.origin})`);
    mkdirSync(dir, { recursive: true });
    for (const name of chainHooks(repo.root, hp.value, dir, hookEvents(ctx.config))) out.line(`the ${name} hook in ${hp.value} still runs (chained from ${dir})`);
  }
  mkdirSync(dir, { recursive: true });
  const template = readFileSync(join(packageRoot(), 'hooks', 'shim.sh'), 'utf8');
  const heph = cliEntry();
  const events = hookEvents(ctx.config);
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
  const state = readState(dir);
  let chainedFiles: string[] = [];
  try {
    chainedFiles = readdirSync(found.dir).filter((f) => isChain(join(found.dir, f)));
  } catch {
    /* no hooks folder */
  }
  for (const f of chainedFiles) rmSync(join(found.dir, f), { force: true });
  for (const event of HOOK_EVENTS) {
    if (!isShim(join(found.dir, event))) continue;
    const restored = existsSync(join(found.dir, event + PREVIOUS));
    removeShim(found.dir, event);
    removed.push(restored ? `${event} (restored the hook that was there before)` : event);
  }
  if (state.hooksPathSet && found.hooksPath?.value === state.hooksPathSet) {
    if (state.previous && state.previousLocal) {
      await git(['config', '--local', 'core.hooksPath', state.previous], { cwd: repo.root });
      out.line(`set core.hooksPath back to ${state.previous} for this repository (heph install --force had changed it)`);
    } else {
      await git(['config', '--local', '--unset', 'core.hooksPath'], { cwd: repo.root, okCodes: [5] });
      out.line('unset core.hooksPath for this repository (heph install --force had set it)');
    }
  }
  rmSync(stateFile(dir), { force: true });
  const into = (await import('./install-into.js')).uninstallInto(repo.root, dir, out);
  if (!removed.length && !into) out.line(`no heph hooks in ${found.dir}; nothing to remove`);
  for (const r of removed) out.line(`removed ${r}`);
  return EXIT.ok;
}
