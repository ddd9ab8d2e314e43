/**
 * What a commit's checks run inside: unstaged changes put aside (within the
 * commit's scope), the files fixes changed re-staged, then everything put back,
 * always. The stash's first read of a scope can start ahead (startScan).
 */
import type { Context } from './context.js';
import { rollbackPoint, type RollbackPoint } from './session.js';
import type { Prepared } from '../run/pipeline.js';
import { addCleanup } from '../run/signals.js';
import { compileGlobs } from '../util/glob.js';
import { git } from '../git/exec.js';
import { UnstagedStash } from '../git/stash.js';
import { shown } from '../git/aside.js';
import { pathsInput } from '../git/stash-git.js';
import { indexInfo, parseStageEntries } from '../git/ls-files.js';
import type { RunReport } from '../run/types.js';
import type { Output } from '../report/output.js';
import { HephError } from '../errors.js';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The stash's first read in a commit's scope, started with the lock held (no
 * other run has changes aside) while the plan is made: it is needed as soon as
 * a check runs, and a scope is small. The whole tree's waits until one does.
 */
export function startScan(root: string, paths: Promise<string[] | null>): Promise<Buffer | undefined> {
  const scan = paths.then((scope) => (scope ? UnstagedStash.scan(root, scope) : undefined));
  scan.catch(() => {}); // awaited only when a check runs
  return scan;
}

/**
 * Runs the checks with unstaged changes put aside (only when something runs),
 * re-stages the files that fixes changed, then restores, always. The fixes'
 * rollback point is recorded once everything is back: it spans the user's
 * whole working tree, before and after. `scope`: the literal paths the checks
 * can read (null: the whole tree); unstaged changes elsewhere stay where they are.
 * `scan`: the stash's first read of that scope, started earlier (startScan).
 */
export async function withStagedOnly(
  ctx: Context,
  out: Output,
  prepared: Prepared,
  staged: string[],
  scope: string[] | null,
  run: (rollback: RollbackPoint) => Promise<RunReport>,
  scan?: Promise<Buffer | undefined>,
): Promise<RunReport> {
  const runs = prepared.plan.phases.some((p) => p.items.some((i) => i.action === 'run'));
  const stash = runs ? UnstagedStash.create(ctx.repo.root, ctx.repo.gitDir, ctx.dir, scope, await scan, prepared.snapshot.assumeUnchanged()) : null;
  const point = rollbackPoint(ctx.repo.root, out, () => stash?.patchFile ?? null);
  // Checks whose fix started: what they were given may have been rewritten, even if they then failed.
  const fixStarted = new Set<string>();
  const rollback: RollbackPoint = { ...point, beforeFix: (item) => (fixStarted.add(item.id), point.beforeFix(item)) };
  let fixed: string[] = [];
  const touched = () => fixablePaths(prepared, stash, fixStarted);
  const forget = stash ? addCleanup(() => stash.restore(fixed, touched())) : () => {};
  try {
    const report = await run(rollback);
    const fixedChecks = new Set(report.checks.filter((c) => c.status === 'fixed').map((c) => c.id));
    if (fixedChecks.size) {
      const items = prepared.plan.phases.flatMap((p) => p.items).filter((i) => fixedChecks.has(i.id));
      // Only the staged files a fixed check was given (all of them for a whole-project check): a
      // staged file no fix was pointed at that changed meanwhile was changed by someone else (an
      // editor saving), and that is not for heph to stage.
      const given = items.some((i) => !i.files) ? staged : [...new Set(items.flatMap((i) => i.files ?? []))];
      const inputs = items.filter((i) => i.check.inputs).map((i) => compileGlobs(i.check.inputs!));
      fixed = await restage(ctx, given, inputs, new Set(stash?.intentToAdd), scope);
    }
    if (fixed.length) out.line(`re-staged ${fixed.length} file${fixed.length === 1 ? '' : 's'} changed by fixes: ${fixed.join(', ')}`);
    return report;
  } finally {
    forget();
    if (stash) {
      const { dropped, kept, fixKept, incomplete } = stash.restore(fixed, touched());
      if (incomplete) out.warn(`some unstaged changes could not be put back: they are in ${incomplete} (aside/ and manifest.json); the next heph command here retries`);
      for (const k of fixKept) out.warn(`a fix rewrote ${k.path}, whose unstaged changes touch the same lines (or delete it): your version is back as it was; the fix's version is in ${k.copy}`);
      if (dropped.length) out.warn(`fixes and your unstaged changes touched the same lines in ${dropped.map(shown).join(', ')}: the fixes are staged, your unstaged changes are back as they were`);
      for (const k of kept) out.warn(`${k.path} changed while the hook ran: it keeps its new content; your version from before the hook is in ${k.copy}`);
    }
    await rollback.save();
  }
}

/**
 * Put-aside paths that a fix which started may have rewritten: the files given
 * to its check, that check's inputs, and every path for a check given no file
 * list. On restore such a path is merged with the user's version (or the
 * user's version comes back whole and the fix's is kept and named) instead of
 * being taken for an edit saved during the hook: this covers a fix that left
 * its check failing (eslint --fix with errors left) and one cut short by Ctrl-C.
 */
function fixablePaths(prepared: Prepared, stash: UnstagedStash | null, started: Set<string>): string[] {
  if (!stash || !started.size) return [];
  const items = prepared.plan.phases.flatMap((p) => p.items).filter((i) => started.has(i.id));
  if (items.some((i) => !i.files)) return stash.files;
  const given = new Set(items.flatMap((i) => i.files ?? []));
  const inputs = items.filter((i) => i.check.inputs).map((i) => compileGlobs(i.check.inputs!));
  return stash.files.filter((b) => given.has(shown(b)) || inputs.some((m) => m(shown(b))));
}

/**
 * Stages the tracked files fixes changed: those that were staged, and the
 * inputs of a fixed check (a lock file a manifest change made `uv lock`
 * rewrite belongs in the commit). Unstaged changes are aside at this point, so
 * every difference from the index is a fix's.
 */
async function restage(ctx: Context, stagedFiles: string[], inputs: ((f: string) => boolean)[], intentToAdd: Set<string>, scope: string[] | null): Promise<string[]> {
  const staged = new Set(stagedFiles);
  const cwd = ctx.repo.root;
  const differing = async () =>
    byteNames((await git(['diff', '--name-only', '-z', '--no-relative', '--no-renames', '--no-ext-diff', '--ignore-submodules=all', ...(scope ? ['--', ...scope] : [])], { cwd, env: LITERAL })).stdout);
  // Names as bytes (latin1 strings), matched in their UTF-8 reading.
  // An intent-to-add file is not part of the commit: staging it would commit it (empty while it is aside).
  const changed = (await differing()).filter((b) => {
    const f = shown(b);
    return !intentToAdd.has(b) && (staged.has(f) || inputs.some((m) => m(f)));
  });
  if (!changed.length) return changed;
  const add = await git(['add', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], { cwd, input: pathsInput(changed), env: LITERAL, okCodes: [1] });
  if (add.code !== 0) {
    // git exits 1 when a path lies in an ignored directory, even a tracked file it did stage: what
    // counts is whether every file now matches the index.
    const left = new Set(await differing());
    const missed = changed.filter((b) => left.has(b));
    if (missed.length) throw new HephError('git', `git add failed for ${missed.map(shown).join(', ')}: ${add.stderr.trim()}`, 'the fixes are in the working tree, not staged: stage them with git add, then commit again');
  }
  await mirrorToRealIndex(ctx, changed);
  return changed;
}

const byteNames = (b: Buffer) => b.toString('latin1').split('\0').filter(Boolean);

const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };

/**
 * `git commit <paths>` commits a temporary index, then installs the real index
 * it prepared before the hook ran (`index.lock`): the fixes go in both, or the
 * next commit would take the unfixed content back.
 */
async function mirrorToRealIndex(ctx: Context, files: string[]): Promise<void> {
  const used = process.env.GIT_INDEX_FILE;
  if (!used || !basename(used).startsWith('next-index-')) return;
  const real = join(ctx.repo.gitDir, 'index.lock');
  if (!existsSync(real)) return;
  const want = new Set(files);
  const recs = parseStageEntries((await git(['ls-files', '-s', '-z'], { cwd: ctx.repo.root })).stdout.toString('latin1'))
    .filter((e) => want.has(e.path))
    .map(indexInfo);
  if (recs.length) await git(['update-index', '-z', '--index-info'], { cwd: ctx.repo.root, input: pathsInput([...recs, '']), env: { GIT_INDEX_FILE: real } });
}
