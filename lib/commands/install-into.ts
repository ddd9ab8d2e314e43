/**
 * `heph install --into husky|simple-git-hooks`: when another manager owns the
 * git hooks, heph adds one marked line to that manager's hook commands instead
 * of taking over core.hooksPath; `heph uninstall` removes exactly those lines
 * (and what heph created), recorded in heph's folder.
 */
import { hookEvents } from '../plan/members.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { HOOK_EVENTS, type HookEvent } from '../config/types.js';
import { EXIT, HephError } from '../errors.js';
import type { Output } from '../report/output.js';

export const INTO = ['husky', 'simple-git-hooks'] as const;
type Into = (typeof INTO)[number];

const MARK = '# heph: remove with heph uninstall';
/** husky puts node_modules/.bin on PATH for its hooks; simple-git-hooks does not. */
const line = (into: Into, event: HookEvent) => `${into === 'husky' ? '' : 'PATH="node_modules/.bin:$PATH" '}heph hook run ${event} "$@" ${MARK}`;

interface IntoState {
  tool: Into;
  /** Where the lines went: `.husky/<event>`, `package.json`, `.simple-git-hooks.json`. */
  file?: string;
  /** Hook files or keys heph created (removed again on uninstall). */
  created: string[];
}

const statePath = (dir: string) => join(dir, 'install-into.json');

function readState(dir: string): IntoState | null {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8'));
  } catch {
    return null;
  }
}

const SGH_JSON = ['.simple-git-hooks.json', 'simple-git-hooks.json'];

/** The JSON object holding simple-git-hooks' commands, and how to write it back. */
function sghConfig(root: string): { file: string; data: Record<string, unknown>; hooks: Record<string, unknown>; indent: string } {
  const pkgFile = join(root, 'package.json');
  for (const name of ['package.json', ...SGH_JSON]) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new HephError('config', `${name} is not valid JSON: ${(e as Error).message}`);
    }
    const indent = /^\{\n(\s+)"/.exec(text)?.[1] ?? '  ';
    if (name === 'package.json') {
      if (data['simple-git-hooks'] && typeof data['simple-git-hooks'] === 'object') return { file: name, data, hooks: data['simple-git-hooks'] as Record<string, unknown>, indent };
    } else return { file: name, data, hooks: data, indent };
  }
  throw new HephError('usage', `no simple-git-hooks configuration in ${existsSync(pkgFile) ? 'package.json or ' : ''}${SGH_JSON.join(', ')}`, 'a JS configuration (.simple-git-hooks.js) cannot be edited safely: add `heph hook run <event> "$@"` to its commands by hand');
}

const writeJson = (root: string, c: { file: string; data: unknown; indent: string }) => writeFileSync(join(root, c.file), JSON.stringify(c.data, null, c.indent) + '\n');

export async function installInto(ctx: Context, tool: string, out: Output): Promise<number> {
  if (!(INTO as readonly string[]).includes(tool)) throw new HephError('usage', `heph install --into: unknown hook manager "${tool}"`, `one of: ${INTO.join(', ')}`);
  const into = tool as Into;
  const root = ctx.repo.root;
  const events = hookEvents(ctx.config);
  const state: IntoState = readState(ctx.dir)?.tool === into ? readState(ctx.dir)! : { tool: into, created: [] };
  const changes: string[] = [];
  if (into === 'husky') {
    if (!existsSync(join(root, '.husky'))) throw new HephError('usage', 'no .husky/ folder in this repository', 'set husky up first (npx husky init), or use heph install without --into');
    for (const event of events) {
      const rel = `.husky/${event}`;
      const file = join(root, rel);
      const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
      if (text?.split('\n').includes(line(into, event))) continue;
      if (text === null) state.created.push(rel);
      writeFileSync(file, (text === null ? '' : text.endsWith('\n') || text === '' ? text : text + '\n') + line(into, event) + '\n');
      if (text === null) chmodSync(file, 0o755);
      changes.push(`${text === null ? 'created' : 'added heph to'} ${rel}`);
    }
  } else {
    const c = sghConfig(root);
    state.file = c.file;
    for (const event of events) {
      const cur = c.hooks[event];
      if (typeof cur === 'string' && cur.includes(MARK)) continue;
      if (typeof cur !== 'string' || !cur.trim()) state.created.push(event);
      c.hooks[event] = typeof cur === 'string' && cur.trim() ? `${cur} && ${line(into, event)}` : line(into, event);
      changes.push(`${typeof cur === 'string' && cur.trim() ? 'added heph to' : 'added'} "${event}" in ${c.file}`);
    }
    if (changes.length) writeJson(root, c);
  }
  mkdirSync(ctx.dir, { recursive: true });
  writeFileSync(statePath(ctx.dir), JSON.stringify(state, null, 2));
  if (!changes.length) out.line(`heph is already in ${into}'s hooks; nothing changed`);
  for (const ch of changes) out.line(ch);
  if (changes.length && into === 'simple-git-hooks') out.line('run `npx simple-git-hooks` to write the updated hooks into .git/hooks');
  return EXIT.ok;
}

/** Removes heph's lines from another manager's hooks; false when `heph install --into` was never run. */
export function uninstallInto(root: string, dir: string, out: Output): boolean {
  const state = readState(dir);
  if (!state) return false;
  if (state.tool === 'husky') {
    for (const rel of [...new Set([...state.created, ...HOOK_EVENTS.map((e) => `.husky/${e}`)])]) {
      const file = join(root, rel);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const kept = text.split('\n').filter((l) => !l.endsWith(MARK));
      if (kept.length === text.split('\n').length) continue;
      if (state.created.includes(rel) && !kept.join('').trim()) rmSync(file);
      else writeFileSync(file, kept.join('\n'));
      out.line(`removed heph from ${rel}`);
    }
  } else if (state.file && existsSync(join(root, state.file))) {
    const c = sghConfig(root);
    let changed = false;
    for (const [event, cmd] of Object.entries(c.hooks)) {
      if (typeof cmd !== 'string' || !cmd.includes(MARK)) continue;
      const rest = cmd.replace(/ && PATH="node_modules\/\.bin:\$PATH" heph hook run [\w-]+ "\$@" # heph: remove with heph uninstall$/, '');
      if (state.created.includes(event) && rest.includes(MARK)) delete c.hooks[event];
      else c.hooks[event] = rest;
      changed = true;
      out.line(`removed heph from "${event}" in ${c.file}`);
    }
    if (changed) {
      writeJson(root, c);
      out.line('run `npx simple-git-hooks` to write the updated hooks into .git/hooks');
    }
  }
  rmSync(statePath(dir), { force: true });
  return true;
}
