/**
 * The part of the tree a worktree's last commit read for a hook event (its
 * pathspecs, plan/scope.ts). In a repository with members, a commit only knows
 * what to read once its config and staged list are read and folded; with this
 * guess it starts reading at once, and keeps what it read when the config then
 * asks for exactly that: consecutive commits in one member, the usual case,
 * no longer wait for a second round of git. A guess only: the read is kept
 * when its pathspecs equal the computed ones, so a stale or damaged file can
 * only cost a read, never change what is read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class ScopeMemo {
  private constructor(
    private readonly file: string,
    /** The pathspecs the last commit read; null: none remembered (or it read the whole tree). */
    readonly pathspecs: string[] | null,
  ) {}

  /** Worktrees share heph's folder: each has its own file, by git dir, per event (a commit-msg may read another part). */
  static open(hephDir: string, gitDir: string, event: string): ScopeMemo {
    const file = join(hephDir, 'scope', `${event}-${createHash('sha256').update(gitDir).digest('hex').slice(0, 16)}.json`);
    let specs: string[] | null = null;
    try {
      const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(v) && v.length && v.every((s) => typeof s === 'string')) specs = v as string[];
    } catch {
      // none yet, or damaged: nothing to start early
    }
    return new ScopeMemo(file, specs);
  }

  /** Whether `pathspecs` are the remembered ones. */
  matches(pathspecs: readonly string[]): boolean {
    return this.pathspecs !== null && JSON.stringify(pathspecs) === JSON.stringify(this.pathspecs);
  }

  /** Remembers what this commit reads (null: the whole tree, nothing to start early next time). */
  save(pathspecs: readonly string[] | null): void {
    if (pathspecs ? this.matches(pathspecs) : this.pathspecs === null) return;
    try {
      if (!pathspecs) return void rmSync(this.file, { force: true });
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(pathspecs));
      renameSync(tmp, this.file);
    } catch {
      // a guess for the next commit: not worth failing this one over
    }
  }
}
