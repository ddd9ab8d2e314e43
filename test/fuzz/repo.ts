/**
 * What the fuzzer builds: seeded randomness, base repositories holding every
 * kind of tracked file, and random changes of every kind git can hold. Names
 * are bytes in latin1 strings, so a name that is not UTF-8 round-trips.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanEnv } from '../helpers/repo.js';
import { random } from '../helpers/proc.js';

/** A seeded generator (test/helpers/proc.ts) with the picks a case is built from. */
export function rng(seed: number) {
  const next = random(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

/** File names as bytes in latin1 strings (so a non-UTF-8 name round-trips). */
export const NAMES = ['a.txt', 'b.txt', 'c.txt', 'd/e.txt', 'sp ace.txt', '-dash.txt', 'qu"o\'te.txt', 'new\nline.txt', 'x.md', 'y.md', 'dir/f.md', 'dir/g.md', 'bin.dat', 'crlf.txt', 'nonl.md', 'run.sh'];
export const LATIN1_NAME = 'caf\xe9.txt'; // the byte 0xE9 alone: not UTF-8
const LINES = ['foo', 'hello', 'foo bar', 'x y', 'tab\there', '', 'world', 'lorem ipsum'];

export const abs = (root: string, rel: string) => Buffer.concat([Buffer.from(root + '/'), Buffer.from(rel, 'latin1')]);

function content(r: Rng, opts: { crlf?: boolean; binary?: boolean } = {}): Buffer {
  if (opts.binary) return Buffer.from(Array.from({ length: 20 + r.int(200) }, () => r.int(256)));
  const eol = opts.crlf ? '\r\n' : '\n';
  const lines = Array.from({ length: 1 + r.int(8) }, () => r.pick(LINES));
  return Buffer.from(lines.join(eol) + (r.chance(0.8) ? eol : ''), 'latin1');
}

export interface Env {
  root: string;
  env: NodeJS.ProcessEnv;
}

export function git(e: Env, args: string[], input?: Buffer | string, cwd = e.root) {
  const res = spawnSync('git', args, { cwd, env: e.env, input });
  if (res.status !== 0) throw new Error(`git ${args.join(' ')}: ${res.stderr}`);
  return res.stdout as Buffer;
}
const gitPaths = (e: Env, args: string[], paths: string[]) => git(e, [...args, '--pathspec-from-file=-', '--pathspec-file-nul'], Buffer.from(paths.join('\0'), 'latin1'));
export const write = (e: Env, rel: string, data: Buffer, mode?: number) => {
  const p = abs(e.root, rel);
  mkdirSync(Buffer.from(dirname(p.toString('latin1')), 'latin1'), { recursive: true });
  writeFileSync(p, data);
  if (mode !== undefined) chmodSync(p, mode);
};
const rm = (e: Env, rel: string) => rmSync(abs(e.root, rel), { recursive: true, force: true });

/** A base repository: tracked files of every kind, a submodule sometimes, heph installed. */
export function makeTemplate(r: Rng, dir: string, withSubmodule: boolean): string {
  const root = join(dir, 'repo');
  mkdirSync(root, { recursive: true });
  const e: Env = { root, env: cleanEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), GIT_LITERAL_PATHSPECS: '1' }) };
  git(e, ['init', '-q', '-b', 'main']);
  for (const n of [...NAMES, LATIN1_NAME]) {
    if (n === 'bin.dat') write(e, n, content(r, { binary: true }));
    else if (n === 'crlf.txt') write(e, n, content(r, { crlf: true }));
    else write(e, n, content(r), n === 'run.sh' ? 0o755 : undefined);
  }
  symlinkSync('a.txt', abs(root, 'link'));
  symlinkSync('dir', abs(root, 'dlink'));
  writeFileSync(join(root, '.heph.json'), '{}');
  if (withSubmodule) {
    const sub = join(dir, 'subsrc');
    mkdirSync(sub);
    const s: Env = { root: sub, env: e.env };
    git(s, ['init', '-q', '-b', 'main']);
    writeFileSync(join(sub, 'inside.txt'), 'sub\n');
    git(s, ['add', '-A']);
    git(s, ['commit', '-q', '-m', 'sub']);
    git(e, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'sub']);
  }
  git(e, ['add', '-A']);
  git(e, ['commit', '-q', '--no-verify', '-m', 'base']);
  return root;
}

/** Applies one random change; returns its description. */
export function change(r: Rng, e: Env, path: string, hasSub: boolean): string {
  const kind = r.pick(['stage', 'unstage', 'both', 'collide', 'chmod', 'file-dir', 'dir-file', 'file-link', 'link', 'rename', 'rm-staged', 'rm', 'ita', 'untracked', 'crlf', 'sub'] as const);
  const txt = path.endsWith('.txt');
  switch (kind) {
    case 'stage':
      write(e, path, content(r));
      gitPaths(e, ['add'], [path]);
      break;
    case 'unstage':
      write(e, path, content(r, { binary: path === 'bin.dat' }));
      break;
    case 'both':
    case 'collide': {
      const staged = kind === 'collide' ? Buffer.from('keep\nfoo here\nkeep\n') : content(r);
      write(e, path, staged);
      gitPaths(e, ['add'], [path]);
      write(e, path, kind === 'collide' ? Buffer.from(r.chance(0.5) ? 'keep\nfoo here, edited\nkeep\n' : 'keep\nfoo here\nkeep\nmore\n') : content(r));
      break;
    }
    case 'chmod':
      chmodSync(abs(e.root, path), 0o755);
      if (r.chance(0.5)) gitPaths(e, ['add'], [path]);
      break;
    case 'file-dir':
      rm(e, path);
      write(e, `${path}/inner`, Buffer.from('precious\n'));
      break;
    case 'dir-file':
      rm(e, 'dir');
      write(e, 'dir', Buffer.from('a file where dir/ was\n'));
      return 'dir-file dir';
    case 'file-link':
      rm(e, path);
      symlinkSync(r.pick(['a.txt', 'nowhere', '../outside']), abs(e.root, path));
      if (r.chance(0.3)) gitPaths(e, ['add'], [path]);
      break;
    case 'link':
      rm(e, 'link');
      if (r.chance(0.3)) write(e, 'link', Buffer.from('link became a file\n'));
      else symlinkSync(r.pick(['b.txt', 'x.md', 'missing']), abs(e.root, 'link'));
      if (r.chance(0.3)) git(e, ['add', '--', 'link']);
      return 'link';
    case 'rename':
      if (/[\x80-\xff]/.test(path) || !existsSync(abs(e.root, path))) return 'skip';
      git(e, ['mv', '--', path, `${path}.renamed`]);
      break;
    case 'rm-staged':
      gitPaths(e, ['rm', '-q', '-r', '--cached'], [path]);
      if (r.chance(0.5)) rm(e, path);
      break;
    case 'rm':
      rm(e, path);
      break;
    case 'ita': {
      const n = `new-${r.int(1000)}${txt ? '.txt' : '.md'}`;
      write(e, n, Buffer.from('intent to add\nfoo\n'));
      git(e, ['add', '-N', '--', n]);
      return `ita ${n}`;
    }
    case 'untracked':
      write(e, `untracked-${r.int(100)}/${r.chance(0.5) ? 'u.txt' : 'v.md'}`, content(r));
      break;
    case 'crlf':
      write(e, path, content(r, { crlf: true }));
      if (r.chance(0.5)) gitPaths(e, ['add'], [path]);
      break;
    case 'sub':
      if (hasSub) writeFileSync(join(e.root, 'sub', 'inside.txt'), 'dirty submodule\n');
      return 'sub';
  }
  return `${kind} ${JSON.stringify(path)}`;
}
