/**
 * What each git event asks of heph: its arguments and stdin turned into the
 * files to consider, the snapshot source, and what to invalidate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { changedBetween, gitPath, hasHead, isZero, pushedFiles, revExists, stagedFiles } from '../git/changes.js';
import { gitText } from '../git/exec.js';
import { findRepoSync } from '../git/repo.js';
import type { HookEvent } from '../config/types.js';
import type { Snapshot, SnapshotSource } from '../git/snapshot.js';
import { fsPath } from '../git/bytes.js';

export interface EventPlan {
  source: SnapshotSource;
  /** Files file-scoped checks choose from; null = none (nothing to check). */
  candidates: string[] | null;
  /** Files whose stored results must be forgotten before planning. */
  invalidate: string[];
  /** Why nothing runs, when candidates is null. */
  idle?: string;
  /** The commit message file (commit-msg). */
  msgfile?: string;
  /** Event data in every check's key. */
  extra?: string;
  /** A line for the run log. */
  header: string;
}

/** Reads the lines git writes on stdin for pre-push and post-rewrite; nothing when stdin is a terminal. */
export async function readStdinLines(): Promise<string[] | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const present = (root: string, files: string[]) => files.filter((f) => existsSync(fsPath(join(root, f))));

async function prePush(root: string, args: string[], stdin: string[] | null): Promise<EventPlan> {
  const remote = args[0] || 'origin';
  let lines = stdin;
  if (!lines) {
    // Rehearsed by hand from a terminal: what pushing HEAD to its upstream would send.
    const head = await gitText(['rev-parse', 'HEAD'], { cwd: root });
    const up = (await revExists(root, '@{upstream}')) ? await gitText(['rev-parse', '@{upstream}'], { cwd: root }) : '0'.repeat(head.length);
    lines = [`HEAD ${head} HEAD ${up}`];
  }
  const files = new Set<string>();
  let refs = 0;
  for (const line of lines) {
    const [, localSha, , remoteSha] = line.split(/\s+/);
    if (isZero(localSha)) continue; // a deletion checks nothing
    refs++;
    for (const f of await pushedFiles(root, remote, localSha, remoteSha)) files.add(f);
  }
  const header = `pre-push to ${remote}: ${lines.join('; ')}`;
  if (!refs) return { source: 'worktree', candidates: null, invalidate: [], idle: 'only deletions are pushed: nothing to check', header };
  return { source: 'worktree', candidates: present(root, [...files].sort()), invalidate: [], header };
}

/** State a rebase, cherry-pick, revert, bisect or am keeps in the git dir while it is under way. */
const IN_PROGRESS = ['rebase-merge', 'rebase-apply', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'BISECT_LOG', 'sequencer'];

/** The operation git is in the middle of, if any. */
export async function operationInProgress(root: string): Promise<string | null> {
  const gitDir = findRepoSync(root)?.gitDir ?? (await gitText(['rev-parse', '--absolute-git-dir'], { cwd: root }));
  return IN_PROGRESS.find((f) => existsSync(join(gitDir, f))) ?? null;
}

async function postChange(root: string, event: HookEvent, args: string[], stdin: string[] | null): Promise<EventPlan> {
  const header = `${event} ${args.join(' ')}`;
  const none = (idle: string): EventPlan => ({ source: 'worktree', candidates: null, invalidate: [], idle, header });
  // Mid-operation, git checks out and rewrites as it goes: heph stays out of its way.
  // post-rewrite after a rebase is its last step (the state is still there) and may sync.
  const busy = event === 'post-rewrite' && args[0] === 'rebase' ? null : await operationInProgress(root);
  if (busy) return none(`${busy} in progress: nothing runs until it is finished`);
  let changed: string[] = [];
  if (event === 'post-checkout') {
    const [oldRef, newRef, flag] = args;
    if (flag !== '1') return none('a file checkout: nothing to do');
    if (isZero(oldRef)) return none('a new clone or worktree: nothing to compare');
    if (oldRef === newRef) return none('same commit: nothing changed');
    changed = await changedBetween(root, oldRef, newRef);
  } else if (event === 'post-merge') {
    if (!existsSync(await gitPath(root, 'ORIG_HEAD')) || !(await hasHead(root))) return none('no ORIG_HEAD: nothing to compare');
    changed = await changedBetween(root, 'ORIG_HEAD', 'HEAD');
  } else {
    const pairs = (stdin ?? []).map((l) => l.split(/\s+/)).filter((p) => p.length >= 2);
    if (!pairs.length) return none('no rewritten commits');
    // A rebase's net change is from the first rewritten commit's original to HEAD.
    const from = args[0] === 'rebase' && (await revExists(root, 'ORIG_HEAD')) ? 'ORIG_HEAD' : pairs[0][0];
    const all = new Set<string>();
    for (const [a, b] of args[0] === 'rebase' ? [[from, 'HEAD']] : pairs) for (const f of await changedBetween(root, a, b)) all.add(f);
    changed = [...all].sort();
  }
  if (!changed.length) return none('no files changed');
  return { source: 'worktree', candidates: present(root, changed), invalidate: changed, header };
}

/**
 * @param snapshot for commit events, the index snapshot being read (it carries
 *   the staged file list when it was started with it)
 */
/** @param snapshot where a commit's staged list is already being read (else it is read here) */
export async function eventPlan(root: string, event: HookEvent, args: string[], snapshot?: Promise<Pick<Snapshot, 'staged'>>): Promise<EventPlan> {
  const staged = async () => (snapshot ? (await snapshot).staged : undefined) ?? (await stagedFiles(root));
  switch (event) {
    case 'pre-commit':
      return { source: 'index', candidates: await staged(), invalidate: [], header: 'pre-commit' };
    case 'commit-msg': {
      const msgfile = args[0] ? (isAbsolute(args[0]) ? args[0] : join(root, args[0])) : await gitPath(root, 'COMMIT_EDITMSG');
      const extra = existsSync(msgfile) ? readFileSync(msgfile, 'utf8') : '';
      return { source: 'index', candidates: await staged(), invalidate: [], msgfile, extra, header: `commit-msg ${msgfile}` };
    }
    case 'pre-push':
      return prePush(root, args, await readStdinLines());
    default:
      return postChange(root, event, args, event === 'post-rewrite' ? await readStdinLines() : null);
  }
}
