/**
 * Puts unstaged changes aside while a pre-commit hook's checks run, so they see
 * exactly what will be committed, and always puts them back.
 *
 * The changes are saved as a binary patch of the working tree against the
 * index (the index git points us at: a temporary one during `commit -a` or
 * `commit <paths>`), kept on disk under heph's folder until they are restored.
 * Then only those files are checked out from the index. Restoring applies the
 * patch. When a fixer changed the same files, each one is merged three ways
 * (the staged original as base, the fixed file, the user's own version): a
 * clean merge keeps both; a conflict keeps the user's version in the working
 * tree (the fix is already staged). A patch left by a killed run is re-applied
 * on the next start. Merge and cherry-pick state files are kept.
 *
 * Every step is synchronous so that it can run from a signal handler.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeBytes, encodeBytes, fsPath } from './bytes.js';

const STATE_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_AUTOSTASH', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'SQUASH_MSG'];

/** git options for every call here: no submodule recursion, no conversions, no pager, no hooks of ours. */
const BASE = ['-c', 'submodule.recurse=false', '-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false'];

function gitSync(cwd: string, args: string[], input?: Buffer | string): { code: number; stdout: Buffer; stderr: string } {
  // HEPH=0: our own checkout must not start heph's post-checkout hook.
  const r = spawnSync('git', [...BASE, ...args], { cwd, input: typeof input === 'string' ? encodeBytes(input) : input, env: { ...process.env, HEPH: '0', LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  return { code: r.status ?? 1, stdout: r.stdout ?? Buffer.alloc(0), stderr: String(r.stderr ?? '') };
}

const split0 = (b: Buffer) => decodeBytes(b).split('\0').filter(Boolean);

export interface RestoreOutcome {
  /** Files whose fixer edits were dropped from the working tree to bring back the user's changes. */
  dropped: string[];
}

/** What a file was before it was put aside: the user's content (null: deleted) and its staged blob. */
interface Kept {
  content: Buffer | null;
  mode: number | null;
  stagedBlob: string | null;
}

export class UnstagedStash {
  private restored = false;
  private saved = new Map<string, Buffer>();
  private kept = new Map<string, Kept>();

  private constructor(
    private readonly root: string,
    private readonly gitDir: string,
    /** The patch on disk (the backup) until it has been applied back. */
    readonly patchFile: string,
    /** Files whose unstaged changes were put aside. */
    readonly files: string[],
  ) {}

  private keepCopies(): void {
    // The whole index: a pathspec list could pass the argument limit.
    const staged = gitSync(this.root, ['ls-files', '-s', '-z']);
    const blobs = new Map<string, string>();
    for (const rec of split0(staged.stdout)) {
      const tab = rec.indexOf('\t');
      blobs.set(rec.slice(tab + 1), rec.split(' ')[1]);
    }
    for (const f of this.files) {
      const abs = fsPath(join(this.root, f));
      let content: Buffer | null = null;
      let mode: number | null = null;
      try {
        const st = lstatSync(abs);
        if (st.isFile()) [content, mode] = [readFileSync(abs), st.mode & 0o777];
      } catch {
        /* deleted in the working tree */
      }
      this.kept.set(f, { content, mode, stagedBlob: blobs.get(f) ?? null });
    }
  }

  /** Puts unstaged changes aside; null when there are none. */
  static create(root: string, gitDir: string, hephDir: string): UnstagedStash | null {
    const names = gitSync(root, ['diff', '--name-only', '-z', '--ignore-submodules=all', '--no-ext-diff']);
    if (names.code !== 0) throw new Error(`git diff failed: ${names.stderr.trim()}`);
    const files = split0(names.stdout);
    if (!files.length) return null;
    const patch = gitSync(root, ['diff', '--binary', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '--full-index']);
    if (patch.code !== 0) throw new Error(`git diff --binary failed: ${patch.stderr.trim()}`);
    const dir = join(hephDir, 'stash');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const patchFile = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.patch`);
    writeFileSync(patchFile + '.tmp', patch.stdout, { mode: 0o600 });
    renameSync(patchFile + '.tmp', patchFile);
    const stash = new UnstagedStash(root, gitDir, patchFile, files);
    stash.keepCopies();
    stash.saveStateFiles();
    const co = gitSync(root, ['checkout', '-q', '--pathspec-from-file=-', '--pathspec-file-nul', '--'], files.join('\0'));
    if (co.code !== 0) {
      stash.restore([]);
      throw new Error(`could not put unstaged changes aside: ${co.stderr.trim()}`);
    }
    return stash;
  }

  private saveStateFiles(): void {
    for (const f of STATE_FILES) {
      const p = join(this.gitDir, f);
      if (existsSync(p)) this.saved.set(f, readFileSync(p));
    }
  }

  private restoreStateFiles(): void {
    for (const [f, content] of this.saved) writeFileSync(join(this.gitDir, f), content);
  }

  /**
   * Brings the unstaged changes back. `fixed` are files a fixer changed (already
   * re-staged by the caller). Returns the files where a fix and the user's
   * changes collided and the user's version was kept in the working tree.
   */
  restore(fixed: readonly string[]): RestoreOutcome {
    if (this.restored) return { dropped: [] };
    const dropped: string[] = [];
    if (!applyPatch(this.root, this.patchFile)) {
      for (const f of this.files) if (!this.mergeBack(f, fixed.includes(f))) dropped.push(f);
    }
    this.restoreStateFiles();
    rmSync(this.patchFile, { force: true });
    this.restored = true;
    return { dropped };
  }

  /** Puts the user's version of one file back, merged with a fix when both can stand; false if the fix was dropped. */
  private mergeBack(f: string, wasFixed: boolean): boolean {
    const k = this.kept.get(f)!;
    const path = join(this.root, f);
    const abs = fsPath(path);
    if (!k.content) {
      rmSync(abs, { force: true });
      return !wasFixed;
    }
    let content = k.content;
    let clean = !wasFixed;
    if (wasFixed && k.stagedBlob && existsSync(abs)) {
      const merged = mergeThreeWay(this.root, dirname(this.patchFile), readFileSync(abs), gitSync(this.root, ['cat-file', 'blob', k.stagedBlob]).stdout, k.content);
      if (merged) [content, clean] = [merged, true];
    }
    mkdirSync(fsPath(dirname(path)), { recursive: true });
    writeFileSync(abs, content);
    if (k.mode !== null) chmodSync(abs, k.mode);
    return clean;
  }
}

/** `git merge-file` of (ours = fixed, base = staged original, theirs = user's); null on conflict. */
function mergeThreeWay(root: string, tmpDir: string, ours: Buffer, base: Buffer, theirs: Buffer): Buffer | null {
  const stem = join(tmpDir, `merge-${process.pid}-`);
  const [o, b, t] = ['ours', 'base', 'theirs'].map((n) => stem + n);
  try {
    writeFileSync(o, ours, { mode: 0o600 });
    writeFileSync(b, base, { mode: 0o600 });
    writeFileSync(t, theirs, { mode: 0o600 });
    const r = gitSync(root, ['merge-file', '-p', o, b, t]);
    return r.code === 0 ? r.stdout : null;
  } finally {
    for (const f of [o, b, t]) rmSync(f, { force: true });
  }
}

function applyPatch(root: string, patchFile: string): boolean {
  if (readFileSync(patchFile).length === 0) return true;
  return gitSync(root, ['apply', '--binary', '--whitespace=nowarn', patchFile]).code === 0;
}

/** A path as a `git apply --include` pattern that matches only itself. */
const literal = (path: string) => path.replace(/[\\*?[\]]/g, '\\$&');

/**
 * Re-applies one left patch. A run killed while it put the changes aside (or
 * brought them back) may have done so for some files only: when the patch
 * neither applies nor is already applied as a whole, each file is settled on
 * its own. True when every file's changes are back.
 */
function reapply(root: string, file: string): boolean {
  const applied = (args: string[]) => gitSync(root, ['apply', '--binary', '--reverse', '--check', ...args, file]).code === 0;
  if (applyPatch(root, file) || applied([])) return true;
  const paths = split0(gitSync(root, ['apply', '--numstat', '-z', file]).stdout).map((rec) => rec.split('\t').slice(2).join('\t'));
  if (!paths.length) return false;
  let ok = true;
  for (const path of paths) {
    const only = [`--include=${literal(path)}`];
    if (gitSync(root, ['apply', '--binary', '--whitespace=nowarn', ...only, file]).code !== 0 && !applied(only)) ok = false;
  }
  return ok;
}

/**
 * Re-applies patches left by a run that was killed before it could restore
 * them. Returns what happened to each, for the caller to report.
 */
export function recoverStashes(root: string, hephDir: string): { restored: string[]; kept: string[] } {
  const dir = join(hephDir, 'stash');
  const out = { restored: [] as string[], kept: [] as string[] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.patch')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const file = join(dir, name);
    if (reapply(root, file)) {
      rmSync(file, { force: true });
      out.restored.push(file);
    } else {
      out.kept.push(file);
    }
  }
  return out;
}
