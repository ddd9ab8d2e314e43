/**
 * The checks behind `heph doctor`. Each returns one finding: ok or a problem,
 * with what was found and, for a problem, how to fix it. None changes anything.
 */
import { hookEvents } from '../plan/members.js';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onPath } from '../paths.js';
import { gitText } from '../git/exec.js';
import type { Context } from './context.js';
import type { ResolvedConfig } from '../config/types.js';
import { openStore } from '../state/store.js';
import { holderState, lockPath, programOf, readLock } from '../state/lock.js';
import { diskSpace, formatBytes } from '../state/disk.js';
import { splitWords } from '../run/words.js';

export interface Finding {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const MIN_GIT = [2, 31];

export async function gitVersion(cwd: string): Promise<Finding> {
  let text: string;
  try {
    text = await gitText(['--version'], { cwd });
  } catch {
    return { name: 'git', ok: false, detail: 'git was not found on PATH', fix: 'install git 2.31 or newer' };
  }
  const [maj, min] = (/(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number);
  const ok = maj > MIN_GIT[0] || (maj === MIN_GIT[0] && min >= MIN_GIT[1]);
  return { name: 'git', ok, detail: text.replace(/^git version /, 'version '), fix: ok ? undefined : 'heph needs git 2.31 or newer; upgrade git' };
}

/** The executable a hook shim runs heph with: an absolute path in it, else `heph` on PATH. */
function shimTarget(text: string, root: string): { target: string; found: boolean } {
  const paths = [...text.matchAll(/(?:^|[\s"'=])(\/[^\s"';]*(?:heph|cli)[^\s"';]*)/g)].map((m) => m[1]);
  if (paths.length) return { target: paths[0], found: paths.some((p) => existsSync(p)) };
  const local = join(root, 'node_modules', '.bin', 'heph');
  if (/\bnode_modules\/\.bin\/heph\b/.test(text) || existsSync(local)) return { target: local, found: existsSync(local) || onPath('heph', root) };
  return { target: 'heph on PATH', found: onPath('heph', root) };
}

export async function hooks(ctx: Context): Promise<Finding> {
  const events = hookEvents(ctx.config);
  const dir = await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd: ctx.repo.root });
  const missing: string[] = [];
  const broken: string[] = [];
  for (const ev of events) {
    const file = join(dir, ev);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (!/\bheph\b|\bhook run\b/.test(text)) {
      missing.push(ev);
      continue;
    }
    const { target, found } = shimTarget(text, ctx.repo.root);
    if (!found || !onPath(file, ctx.repo.root)) broken.push(`${ev} (${found ? 'not executable' : `runs ${target}, which does not exist`})`);
  }
  if (missing.length || broken.length) {
    const detail = [missing.length ? `not installed: ${missing.join(', ')}` : '', broken.length ? `broken: ${broken.join(', ')}` : ''].filter(Boolean).join('; ');
    return { name: 'hooks', ok: false, detail: `${detail} (in ${dir})`, fix: 'run `heph install` (add --force to replace hooks of another tool)' };
  }
  return { name: 'hooks', ok: true, detail: `${events.join(', ')} installed in ${dir}` };
}

/** Why heph's folder cannot be written, or null when it can (or does not exist yet and can be made). */
function unwritable(dir: string): string | null {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    if (!statSync(at).isDirectory()) return `${at} is not a folder`;
    accessSync(at, constants.W_OK);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function store(ctx: Context): Promise<Finding> {
  const denied = unwritable(ctx.dir);
  if (denied) return { name: 'state', ok: false, detail: `heph's folder ${ctx.dir} cannot be written (${denied}): runs and commits go on without stored results, the run lock or logs`, fix: 'make it writable, or point HEPH_HOME at a folder that is' };
  const problems: string[] = [];
  const s = await openStore({ dir: ctx.dir, readOnly: true, warn: (m) => problems.push(m) });
  const n = problems.length ? 0 : (await s.ids()).length;
  await s.close();
  if (problems.length) return { name: 'state', ok: false, detail: problems.join('; '), fix: 'the next run moves the file aside and starts afresh; or run `heph cache clear`' };
  return { name: 'state', ok: true, detail: `${join(ctx.dir, 'state.sqlite')} opens, ${n} stored result${n === 1 ? '' : 's'}` };
}

export function lock(dir: string): Finding {
  const path = lockPath(dir);
  const info = readLock(path);
  if (info === null) return { name: 'lock', ok: true, detail: 'free' };
  if (info === 'unreadable') return { name: 'lock', ok: false, detail: `${path} cannot be read`, fix: `if no heph is running, delete ${path}` };
  const state = holderState(info);
  const who = `pid ${info.pid}${info.command ? ` (heph ${info.command})` : ''} on ${info.host}, since ${new Date(info.started).toISOString()}`;
  if (state === 'dead') return { name: 'lock', ok: true, detail: `left by ${who}, which is gone; the next run takes it over` };
  if (state === 'reused') {
    const program = programOf(info.pid);
    return { name: 'lock', ok: false, detail: `left by ${who}; that pid is now ${program ? `\`${program}\`, ` : ''}a process started after the lock was taken: not heph`, fix: `the next run takes it over; or delete ${path}` };
  }
  return { name: 'lock', ok: true, detail: `held by ${who}${state === 'unknown' ? ' (another host: cannot tell if it still runs)' : ''}` };
}

export async function disk(ctx: Context): Promise<Finding> {
  const min = ctx.config.settings.minFreeDiskMB;
  const space = await diskSpace(ctx.repo.root);
  const ok = space.freeBytes >= min * 1024 * 1024;
  return { name: 'disk', ok, detail: `${formatBytes(space.freeBytes)} free on ${space.mount} (minimum ${min} MB)`, fix: ok ? undefined : `free space on ${space.mount}, or lower settings.minFreeDiskMB` };
}

/** Words a shell runs itself: a `shell: true` command starting with one of these names no tool. */
const SHELL_WORDS = new Set(['!', '{', '(', 'if', 'for', 'while', 'until', 'case', 'test', '[', 'cd', 'export', 'exit', 'echo', 'printf', 'true', 'false', ':', '.', 'set', 'command', 'exec', 'eval', 'read', 'trap', 'unset', 'shift', 'local']);

/** The first program a `shell: true` command runs, past negation and variable assignments; undefined when it starts with shell syntax. */
function shellCommand(cmd: string): string | undefined {
  const words = cmd.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && (words[i] === '!' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))) i++;
  const w = words[i];
  return !w || SHELL_WORDS.has(w) || /^["'$`(]/.test(w) ? undefined : w;
}

export function tools(config: ResolvedConfig, root: string): Finding {
  const missing: string[] = [];
  let n = 0;
  for (const check of config.phases.flatMap((p) => p.checks)) {
    if (check.platform && !check.platform.includes(process.platform)) continue;
    for (const cmd of [check.run, check.fix].filter((c): c is string => !!c)) {
      let first: string | undefined;
      try {
        first = check.shell ? shellCommand(cmd) : splitWords(cmd)[0];
      } catch {
        first = undefined;
      }
      if (!first || first.startsWith('{')) continue;
      n++;
      if (!onPath(first, join(root, check.cwd))) missing.push(`${first} (${check.id})`);
    }
  }
  if (missing.length) return { name: 'tools', ok: false, detail: `not found: ${[...new Set(missing)].join(', ')}`, fix: 'install them, or fix PATH or the check\'s `run`' };
  return { name: 'tools', ok: true, detail: `${n} command${n === 1 ? '' : 's'} found` };
}
