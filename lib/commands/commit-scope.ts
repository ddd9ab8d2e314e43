/**
 * A commit hook's reads in a repository with members: first the config the
 * commit records (from the index entries of the config files), then the
 * snapshot of the part of the tree its checks can read (plan/scope.ts), and
 * the literal paths the stash and re-staging keep to. Without members, or
 * when a check in play can read anything, the whole tree, as before.
 */
import { isAbsolute } from 'node:path';
import type { Context } from './context.js';
import { useStagedConfig } from './hook-config.js';
import { readSnapshot, type Snapshot } from '../git/snapshot.js';
import { hasRawBytes } from '../git/bytes.js';
import { stagedFiles } from '../git/changes.js';
import { CONFIG_NAME } from '../config/member-dirs.js';
import { readScope, scopeLiteralPaths, scopePathspecs } from '../plan/scope.js';
import type { SelectOptions } from '../plan/select.js';
import type { MemberOptions } from '../plan/members.js';
import { canScope, type CommitRead } from '../run/commit-read.js';
import type { ScopeMemo } from '../state/scope-memo.js';
import { debug } from '../debug.js';
import type { Output } from '../report/output.js';

const mark = debug('time');

export interface CommitSnapshot {
  snapshot: Promise<Snapshot>;
  /** The staged files a commit adds, copies, modifies or renames, across the whole index. */
  staged: Promise<string[]>;
  /** Literal paths (directories end in `/`) the stash and re-staging keep to; null: the whole tree. Known before the snapshot unless the scope names files at any depth. */
  paths: Promise<string[] | null>;
}

/** Files in the repository that the configs' `extends` chains name (labels of repository files are root-relative). */
function layerFiles(ctx: Context): string[] {
  const labels = [...(ctx.rootConfig.sources?.layers ?? []), ...(ctx.config.members ?? []).flatMap((m) => m.layers ?? [])];
  return [...new Set(labels.filter((l) => !l.startsWith('heph:') && !isAbsolute(l) && !l.startsWith('../') && l !== CONFIG_NAME))].sort();
}

/** A name git gave that was not UTF-8 (or a replacement character): it would not reach git intact as an argument. */
const notArgv = (p: string) => hasRawBytes(p) || p.includes('\uFFFD');

const indexOnly = (ctx: Context, pathspecs?: string[]) => readSnapshot({ root: ctx.repo.root, gitDir: ctx.repo.gitDir, source: 'index', untracked: false, ...(pathspecs ? { pathspecs } : {}) });

/** Puts the config the commit records in place (hook-config.ts), reading the index entries of the config files only. */
export async function useCommitConfig(ctx: Context, read: CommitRead, out: Output): Promise<void> {
  if (!(await read.members).length) return useStagedConfig(ctx, (await read.whole)!, out);
  const loaded = await ctx.members.then(
    () => true,
    () => false,
  );
  const files = layerFiles(ctx);
  const configSnap = !loaded || files.some(notArgv) ? indexOnly(ctx) : files.length ? indexOnly(ctx, [`:(glob)**/${CONFIG_NAME}`, ...files.map((f) => `:(literal)${f}`)]) : read.configs;
  const before = { config: ctx.config, rootConfig: ctx.rootConfig, members: ctx.members };
  await useStagedConfig(ctx, configSnap, out);
  // The staged chain names a file the working copy's does not: read as staged only with its index entry at hand.
  if (loaded && layerFiles(ctx).some((f) => !files.includes(f))) {
    Object.assign(ctx, before);
    await useStagedConfig(ctx, indexOnly(ctx), out);
  }
}

/** A scoped read started before the config said what to read: the worktree's last commit's (state/scope-memo.ts). */
export interface EarlyScope {
  memo: ScopeMemo;
  /** The snapshot of the remembered pathspecs, being read. */
  snapshot?: Promise<Snapshot>;
}

/** Starts reading what the worktree's last commit read for this event, if it remembers one. */
export function startEarlyScope(repo: { root: string; gitDir: string }, memo: ScopeMemo): EarlyScope {
  if (!memo.pathspecs || !canScope()) return { memo };
  const snapshot = readSnapshot({ root: repo.root, gitDir: repo.gitDir, source: 'index', pathspecs: memo.pathspecs });
  snapshot.catch(() => {}); // kept only for the same scope, and awaited then
  return { memo, snapshot };
}

/**
 * The snapshot a commit's plan reads. `fresh`: read again (another run held
 * the lock meanwhile), never what was started before. `early`: the read of
 * the last commit's scope, kept when this commit's scope is the same.
 */
export function commitSnapshot(ctx: Context, read: CommitRead, select: Omit<SelectOptions, 'candidates'>, members: MemberOptions, fresh: boolean, early?: EarlyScope): CommitSnapshot {
  const root = ctx.repo.root;
  const gitDir = ctx.repo.gitDir;
  const whole = () => readSnapshot({ root, gitDir, factsDir: ctx.dir, source: 'index', staged: true });
  const staged = fresh ? stagedFiles(root) : read.staged;
  const scoped = (async () => {
    if (!(await read.members).length) return null;
    const scope = readScope(ctx.config, await staged, select, members);
    // A name that is not UTF-8 cannot be given to git as an argument: keep to the whole tree.
    if (!scope || [...scope.literal, ...scope.anywhere].some(notArgv)) return null;
    return scope;
  })();
  // The staged list is the whole index's, as without a scope: the plan sees every staged file, and
  // those outside the scope concern no check that runs (that is how the scope was drawn).
  const snapshot = scoped.then(async (scope) => {
    const pathspecs = scope && scopePathspecs(scope);
    early?.memo.save(pathspecs);
    if (pathspecs && !fresh && early?.snapshot) {
      const same = early.memo.matches(pathspecs);
      mark(same ? "scope: the last commit's, read early" : "scope: not the last commit's, read now");
      if (same) return early.snapshot;
    }
    if (pathspecs) return readSnapshot({ root, gitDir, source: 'index', pathspecs });
    return (!fresh && (await read.whole)) || whole();
  });
  // Known with the scope, so that the stash's scan can start while the snapshot is read; names matched
  // at any depth become the tracked files of that name, which wait for the snapshot.
  const paths = scoped.then(async (scope) => {
    const literal = scope && scopeLiteralPaths(scope, scope.anywhere.length ? (await snapshot).tracked : []);
    return literal && !literal.some(notArgv) ? literal : null;
  });
  paths.catch(() => {}); // the snapshot's failure is reported where it is awaited
  return { snapshot, staged, paths };
}
