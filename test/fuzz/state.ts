/**
 * The user's state as the fuzzer compares it, byte for byte: every path of the
 * working tree (content, type, executable bit, symlink target; untracked files
 * and submodule content included) and every index entry.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Path (bytes as latin1, so any name round-trips) → 'dir' | 'link:<target>' | 'file:<x|->:<sha1>'. */
export type Tree = Map<string, string>;

const hash = (b: Buffer) => createHash('sha1').update(b).digest('hex');

export function worktree(root: string, skip: (rel: string) => boolean = (rel) => rel === '.git'): Tree {
  const out: Tree = new Map();
  const walk = (dir: Buffer, rel: string) => {
    for (const name of readdirSync(dir, { encoding: 'buffer' }) as Buffer[]) {
      const r = rel ? `${rel}/${name.toString('latin1')}` : name.toString('latin1');
      if (skip(r)) continue;
      const abs = Buffer.concat([dir, Buffer.from('/'), name]);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, `link:${(readlinkSync(abs, { encoding: 'buffer' }) as Buffer).toString('latin1')}`);
      else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(abs, r);
      } else out.set(r, `file:${st.mode & 0o100 ? 'x' : '-'}:${hash(readFileSync(abs))}`);
    }
  };
  walk(Buffer.from(root), '');
  return out;
}

/** Index entries: path → 'mode blob stage', plus the intent-to-add paths (`git diff` status A). */
export function index(root: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const git = (args: string[]) => spawnSync('git', ['-c', 'core.quotePath=false', ...args], { cwd: root, env }).stdout as Buffer;
  const out = new Map<string, string>();
  for (const rec of git(['ls-files', '-s', '-z']).toString('latin1').split('\0').filter(Boolean)) {
    const tab = rec.indexOf('\t');
    out.set(rec.slice(tab + 1), rec.slice(0, tab));
  }
  const st = git(['diff', '--name-status', '-z', '--no-renames', '--no-relative', '--ignore-submodules=all']).toString('latin1').split('\0');
  for (let i = 0; i + 1 < st.length; i += 2) if (st[i] === 'A') out.set(st[i + 1], `${out.get(st[i + 1])} ita`);
  return out;
}

/** Differences between two maps, as readable lines (empty when equal). */
export function differences(what: string, a: Map<string, string>, b: Map<string, string>, allow: (path: string, before?: string, after?: string) => boolean): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) === b.get(k) || allow(k, a.get(k), b.get(k))) continue;
    out.push(`${what} ${JSON.stringify(k)}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
  }
  return out;
}
