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
 * Taken by a replay that has just run git's list again and found it the same
 * (replay/upgrade.ts), against the time that list was started: a directory or
 * rule changed since (or within the timestamp granularity before) is racy,
 * and the record keeps git's list.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { splitZ } from '../git/exec.js';
import { statOf } from './observe.js';
import { dirId } from './record.js';

/** Past this many directories a replay lists with git: comparing them all would cost what git costs. */
export const MAX_DIRS = 4000;

export interface Watched {
  /** `f:`-keyed identities of the ignore files and git's settings, with when each last changed. */
  entries: { p: string; id: string; newest: bigint }[];
  /** Each directory git looks into: its path from the root (latin1: the bytes), its `dirId`, when it last changed (ns) and the racy margin for it (ns). */
  dirs: [string, string, bigint, bigint][];
}



/** Settings and excludes files are read by git through symlinks (a dotfiles manager's ~/.gitconfig): what they lead to. */
const followed = (path: string) => {
  const { p, id, newest } = statOf('s', path);
  return { p, id, newest };
};

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

/**
 * The directories an ignore rule names (git does not look into them) and the excludes file git reads,
 * from one shell running three git processes: `ls-files --directory` names every wholly ignored directory,
 * and `check-ignore` keeps those a rule names (one holding nothing but ignored files is named too, and a
 * file added there that no rule ignores is listed). No file name passes through the script: git's output
 * is piped from one git to the other.
 */
async function ignoredDirs(root: string, env: NodeJS.ProcessEnv): Promise<{ skip: Set<string>; excludes: string } | string> {
  const { spawn } = await import('node:child_process');
  const script =
    "git ls-files -o -i --exclude-standard --directory -z | git check-ignore -z --stdin --no-index >&3; " +
    "git config --path --default '' --get core.excludesFile >&4 || exit 1";
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd: root, env: { ...env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const outs: Buffer[][] = [[], []];
    [3, 4].forEach((fd, i) => (child.stdio[fd] as NodeJS.ReadableStream).on('data', (b: Buffer) => outs[i].push(b)));
    child.on('error', () => done('git could not list the ignored directories'));
    child.on('close', (code) => {
      if (code !== 0) return done('git could not list the ignored directories');
      const skip = new Set(splitZ(Buffer.concat(outs[0])).filter((p) => p.endsWith('/')));
      done({ skip, excludes: Buffer.concat(outs[1]).toString('utf8').trim() });
    });
  });
}

/** The identities that stand for git's untracked list of this worktree, or a reason why they cannot. */
export async function watchTree(root: string, gitDir: string, commonDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Watched | string> {
  const conf = settings(gitDir, commonDir, env);
  if (conf.includes) return "git's settings include other files";
  if (env.GIT_CONFIG_COUNT || env.GIT_CONFIG_PARAMETERS?.includes('excludes')) return 'ignore rules from the environment';
  const asked = await ignoredDirs(root, env);
  if (typeof asked === 'string') return asked;
  const { skip, excludes } = asked;
  const home = env.HOME || homedir();
  const entries = [
    ...conf.files,
    join(commonDir, 'info', 'exclude'),
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'ignore'),
    ...(excludes ? [excludes] : []),
  ].map(followed);
  const dirs: [Buffer, string][] = [[Buffer.from(root), '']];
  const watched: [string, string, bigint, bigint][] = [];
  const rootBytes = Buffer.from(root);
  while (dirs.length) {
    const [abs, rel] = dirs.pop()!;
    if (watched.length > MAX_DIRS) return 'too many directories';
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
    let names;
    try {
      names = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return 'a directory cannot be read';
    }
    for (const d of names) {
      const name = d.name.toString('latin1');
      // A repository's own folder, here or nested. A nested repository's working files are watched all the
      // same: git lists files added beside those the outer repository tracks there (a vendored clone).
      if (name === '.git') continue;
      if (name === '.gitignore') {
        // git does not follow a symlinked .gitignore (2.32+); one that did would keep its identity while its target changed.
        if (d.isSymbolicLink()) return 'a .gitignore is a symbolic link';
        const { p, id, newest } = statOf('f', Buffer.concat([abs, Buffer.from('/'), d.name]));
        entries.push({ p, id, newest });
      }
      if (!d.isDirectory()) continue;
      const sub = `${rel}${Buffer.from(d.name).toString('utf8')}/`;
      if (!skip.has(sub)) dirs.push([Buffer.concat([abs, Buffer.from('/'), d.name]), sub]);
    }
  }
  return { entries, dirs: watched };
}
