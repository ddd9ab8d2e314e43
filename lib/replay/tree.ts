/**
 * Standing in for git's untracked list in a replay (docs/caching.md): which
 * untracked files git lists is decided by the names in each directory git
 * looks into (every directory it does not ignore), by the index (the replay
 * compares its checksum) and by the ignore rules. A directory's identity
 * changes whenever a name in it is added, removed or renamed, so the
 * identities of those directories, of every `.gitignore` in them, of the
 * excludes files and of git's settings stand for the list itself, and a
 * replay then starts no git process at all.
 *
 * Taken after the run; the record checks each against the time git listed the
 * untracked files (replay/write.ts): a directory or rule changed since (or
 * within the timestamp granularity before) is racy, and the record keeps git's
 * list instead.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { git, gitParallel, splitZ } from '../git/exec.js';
import { identityOf } from './observe.js';
import { dirId } from './record.js';

/** Past this many directories a replay lists with git: comparing them all would cost what git costs. */
export const MAX_DIRS = 4000;

export interface Watched {
  /** `f:`-keyed identities of the ignore files and git's settings, with when each last changed. */
  entries: { p: string; id: string; newest: bigint }[];
  /** Each directory git looks into: its path from the root (latin1: the bytes), its `dirId`, when it last changed (ns) and the racy margin for it (ns). */
  dirs: [string, string, bigint, bigint][];
}



const key = (path: Buffer | string) => `f:${Buffer.from(path).toString('hex')}`;

function seen(path: Buffer | string): { p: string; id: string; newest: bigint } {
  let st: BigIntStats | undefined;
  try {
    st = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  return { p: key(path), id: identityOf(st), newest: st ? (st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) : 0n };
}

/**
 * A file git reads through symlinks (a dotfile manager links ~/.gitconfig and the global excludes file):
 * its own identity, where it leads, and the identity of what it leads to. Editing the target changes
 * neither the link's identity nor the path's.
 */
function seenThrough(path: Buffer | string): { p: string; id: string; newest: bigint }[] {
  const own = seen(path);
  let real: string;
  try {
    real = realpathSync(path).toString();
  } catch {
    return [own];
  }
  if (real === Buffer.from(path).toString()) return [own];
  return [own, { p: `r:${Buffer.from(path).toString('hex')}`, id: real, newest: 0n }, seen(real)];
}

/** git's settings files, and whether any of them pulls in another (whose changes would not show). */
function settings(gitDir: string, commonDir: string, env: NodeJS.ProcessEnv): { files: string[]; includes: boolean } {
  const home = env.HOME || homedir();
  const files = [
    join(commonDir, 'config'),
    join(gitDir, 'config.worktree'),
    join(home, '.gitconfig'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'),
    ...(env.GIT_CONFIG_NOSYSTEM ? [] : ['/etc/gitconfig']),
    ...(env.GIT_CONFIG_GLOBAL ? [env.GIT_CONFIG_GLOBAL] : []),
    ...(env.GIT_CONFIG_SYSTEM ? [env.GIT_CONFIG_SYSTEM] : []),
  ];
  const includes = files.some((f) => {
    try {
      return /^\s*\[\s*include/im.test(readFileSync(f, 'latin1'));
    } catch {
      return false;
    }
  });
  return { files, includes };
}

/** Those of the directories holding a `.git` in which the index has files (a submodule's own entry is not one). */
async function trackedUnder(root: string, dirs: [Buffer, string][]): Promise<[Buffer, string][] | string> {
  const rootBytes = Buffer.from(root);
  const rels = dirs.map(([abs]) => abs.subarray(rootBytes.length + 1));
  // Pathspecs travel as text: a name that does not survive the round trip cannot be asked about.
  if (rels.some((b) => !Buffer.from(b.toString('utf8')).equals(b))) return 'a repository inside a directory whose name is not UTF-8';
  let out: Buffer;
  try {
    out = (await git(['ls-files', '-z', '--', ...rels.map((b) => b.toString('utf8'))], { cwd: root, literal: true, noLocks: true })).stdout;
  } catch {
    return 'git could not list the files inside a nested repository';
  }
  // git's own bytes, NUL-separated (not decoded: the prefixes compared are bytes).
  const paths: Buffer[] = [];
  for (let i = 0, j = 0; i < out.length; i = j + 1) {
    j = out.indexOf(0, i);
    if (j < 0) j = out.length;
    if (j > i) paths.push(out.subarray(i, j));
  }
  return dirs.filter((_, i) => {
    const prefix = Buffer.concat([rels[i], Buffer.from('/')]);
    return paths.some((p) => p.length > prefix.length && p.subarray(0, prefix.length).equals(prefix));
  });
}

/** The identities that stand for git's untracked list of this worktree, or a reason why they cannot. */
export async function watchTree(root: string, gitDir: string, commonDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Watched | string> {
  const conf = settings(gitDir, commonDir, env);
  if (conf.includes) return "git's settings include other files";
  if (env.GIT_CONFIG_COUNT || env.GIT_CONFIG_PARAMETERS?.includes('excludes')) return 'ignore rules from the environment';
  let ignored: Buffer, excludes: string;
  try {
    const [a, b] = await gitParallel(
      [
        ['ls-files', '-o', '-i', '--exclude-standard', '--directory', '-z'],
        ['config', '--path', '--default', '', '--get', 'core.excludesFile'],
      ],
      { cwd: root, env: { GIT_OPTIONAL_LOCKS: '0' } },
    );
    ignored = a.stdout;
    excludes = b.stdout.toString('utf8').trim();
  } catch {
    return 'git could not list the ignored directories';
  }
  // Directories git names end with '/'. Only those an ignore rule names are not looked into: one that holds
  // nothing but ignored files is named too, and a file added there that no rule ignores is listed.
  const named = splitZ(ignored).filter((p) => p.endsWith('/'));
  let skip = new Set<string>();
  if (named.length) {
    try {
      const r = await git(['check-ignore', '-z', '--stdin', '--no-index'], { cwd: root, input: Buffer.from(named.join('\0') + '\0'), okCodes: [1], noLocks: true });
      skip = new Set(splitZ(r.stdout));
    } catch {
      return 'git could not say which directories are ignored';
    }
  }
  const home = env.HOME || homedir();
  const entries = [
    ...conf.files,
    join(commonDir, 'info', 'exclude'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'ignore'),
    ...(excludes ? [excludes] : []),
  ].flatMap(seenThrough);
  // [absolute path, path from the root with '/', already watched (only its names are still to look at)]
  const dirs: [Buffer, string, boolean][] = [[Buffer.from(root), '', false]];
  const watched: [string, string, bigint, bigint][] = [];
  const rootBytes = Buffer.from(root);
  const nested: [Buffer, string][] = [];
  for (;;) {
    while (dirs.length) {
      const [abs, rel, expand] = dirs.pop()!;
      if (watched.length > MAX_DIRS) return 'too many directories';
      if (!expand) {
        let st;
        try {
          st = lstatSync(abs);
        } catch {
          return 'a directory went away';
        }
        // Whole seconds on both times: a filesystem that keeps no finer time (the margin is then two seconds).
        const whole = st.mtimeMs % 1000 === 0 && st.ctimeMs % 1000 === 0;
        const newest = BigInt(Math.round(Math.max(st.mtimeMs, st.ctimeMs) * 1e6));
        watched.push([rel ? abs.subarray(rootBytes.length + 1).toString('latin1') : '', dirId(st), newest, whole ? 2_000_000_000n : 100_000_000n]);
      }
      let names;
      try {
        names = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
      } catch {
        return 'a directory cannot be read';
      }
      // A nested repository is listed as one name whatever it holds, unless the index has files in it (below).
      if (rel && !expand && names.some((d) => d.name.toString('latin1') === '.git')) {
        nested.push([abs, rel]);
        continue;
      }
      for (const d of names) {
        const name = d.name.toString('latin1');
        if (name === '.git') continue;
        if (name === '.gitignore') entries.push(...seenThrough(Buffer.concat([abs, Buffer.from('/'), d.name])));
        if (!d.isDirectory()) continue;
        const sub = `${rel}${Buffer.from(d.name).toString('utf8')}/`;
        if (!skip.has(sub)) dirs.push([Buffer.concat([abs, Buffer.from('/'), d.name]), sub, false]);
      }
    }
    if (!nested.length) break;
    // A directory holding a repository whose files the index tracks (a vendored clone, a `git init` in the wrong
    // place) is looked into by git like any other: a new file deep in it is listed.
    const tracked = await trackedUnder(root, nested.splice(0));
    if (typeof tracked === 'string') return tracked;
    for (const d of tracked) dirs.push([d[0], d[1], true]);
  }
  return { entries, dirs: watched };
}
