/**
 * The `heph doctor` lines about work heph put aside: unstaged changes a killed
 * pre-commit left in `<heph folder>/stash/<id>.d/` (this worktree's, which the
 * next heph command here puts back, or another worktree's, which only that
 * worktree can settle, or a gone worktree's, which only the user can), and the
 * copies of the user's files kept in `<heph folder>/kept/`. Reads only.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './doctor-checks.js';

interface Left {
  dir: string;
  root: string;
  gitDir: string;
}

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

const names = (dirs: string[]) => dirs.join(', ');

/** What killed runs left aside: this worktree's, other worktrees', and patches of an older heph (whose worktree is unknown). */
function leftAside(hephDir: string, gitDir: string): { mine: Left[]; others: Left[]; patches: string[] } {
  const stashDir = join(hephDir, 'stash');
  const entries = list(stashDir);
  const mine = real(gitDir);
  const out = { mine: [] as Left[], others: [] as Left[], patches: [] as string[] };
  for (const name of entries) {
    if (name.endsWith('.patch') && !entries.includes(name.replace(/\.patch$/, '.d'))) out.patches.push(join(stashDir, name));
    if (!name.endsWith('.d')) continue;
    const dir = join(stashDir, name);
    let m: { root?: string; gitDir?: string } | null;
    try {
      m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as typeof m;
    } catch {
      continue; // killed before its manifest: nothing was moved, and the next run removes it
    }
    if (!m || typeof m !== 'object') continue;
    const left = { dir, root: String(m.root), gitDir: String(m.gitDir) };
    (left.gitDir === mine ? out.mine : out.others).push(left);
  }
  return out;
}

export function stashes(hephDir: string, gitDir: string): Finding[] {
  const { mine, others, patches } = leftAside(hephDir, gitDir);
  const here: Finding = mine.length
    ? { name: 'stash', ok: false, detail: `unstaged changes of this worktree put aside by a killed heph run: ${names(mine.map((l) => l.dir))}`, fix: 'run `heph run` (or commit): the next heph command here puts them back' }
    : { name: 'stash', ok: true, detail: 'no unstaged changes of this worktree put aside' };
  const gone = others.filter((l) => !existsSync(l.gitDir));
  const live = others.filter((l) => existsSync(l.gitDir));
  const parts = [
    ...live.map((l) => `of the worktree ${l.root} in ${l.dir}`),
    ...gone.map((l) => `of ${l.root}, which no longer exists, in ${l.dir}`),
    ...patches.map((p) => `of an unknown worktree (an older heph) in ${p}`),
  ];
  const fixes = [
    live.length ? `run \`heph run\` in ${names([...new Set(live.map((l) => l.root))])}: heph puts them back there` : '',
    gone.length ? 'copy them back by hand: aside/ holds them and manifest.json says where each path belongs; then delete that folder' : '',
    patches.length ? 'apply the patch where it belongs with git apply --3way <patch>, then delete it' : '',
  ].filter(Boolean);
  const elsewhere: Finding = parts.length
    ? { name: 'stash-other', ok: false, detail: `unstaged changes put aside by a killed heph run ${parts.join('; ')}`, fix: fixes.join('; ') }
    : { name: 'stash-other', ok: true, detail: 'no unstaged changes of other worktrees put aside' };
  const keptDir = join(hephDir, 'kept');
  const copies = list(keptDir);
  const kept: Finding = copies.length
    ? { name: 'kept', ok: true, detail: `${keptDir} holds ${copies.length} set${copies.length === 1 ? '' : 's'} of copies of your files, kept on purpose (a version that changed while a hook ran, or could not be merged with a fix; the warning at the time named each)`, fix: 'look through them; deleting that folder is your call, heph never does' }
    : { name: 'kept', ok: true, detail: 'no copies of your files kept' };
  return [here, elsewhere, kept];
}
