/**
 * A repository whose pre-commit is replayable, and the differential step the
 * targeted replay tests share: prime a replay record, prove it replays, change
 * one thing, then compare a run with the replay on against a full run.
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { Repo, type Result } from './repo.js';
import { describe, disagreement, HOOK, missReason, replayed, treePrint } from './replay.js';

// Patterns are spelled BA[D] so that the config itself holds no BAD.
export const ALL = { name: 'all', shell: true, run: 'test -z "$(git ls-files -co --exclude-standard -z | xargs -0 grep -sl -e BA[D] --)"' };
export const TXT = { name: 'txt', shell: true, run: '! grep -l -e BA[D] -- {files}', files: ['**/*.txt'] };
export const LIT = { name: 'lit', shell: true, run: '! grep -qs -e BA[D] .env', inputs: ['.env'] };

export class ReplayRepo extends Repo {
  /**
   * Environment every hook run of the test gets: heph's clock fixed, so the
   * ages a replay prints can be compared with a full run's.
   */
  hookEnv: Record<string, string | undefined> = { HEPH_NOW: '1900000000000' };

  constructor(checks: object[] = [ALL, TXT, LIT], extra: object = {}) {
    super();
    this.write('.gitignore', '*.log\n.env\nnode_modules/\n').write('a.txt', 'fine\n').write('.env', 'ok\n');
    this.config({ phases: [{ name: 'q', checks }], ...extra });
    this.commitAll('init');
  }

  /** The pre-commit with the replay on (and its debug line). */
  hook(env: Record<string, string | undefined> = {}, cwd?: string): Result {
    return this.heph(HOOK, { cwd, env: { HEPH_DEBUG: 'replay', ...this.hookEnv, ...env } });
  }

  /** The same pre-commit with the replay off. */
  full(env: Record<string, string | undefined> = {}, cwd?: string): Result {
    return this.heph(HOOK, { cwd, env: { ...this.hookEnv, ...env, HEPH_REPLAY: '0' } });
  }

  /**
   * Runs the pre-commit until its result is cached (so a replay record is
   * written), then proves the next run replays: a test whose change is then
   * not replayed has shown something.
   */
  /** As prime, for a state heph may rightly decline to record: whether a replay happened. */
  tryPrime(env: Record<string, string | undefined> = {}, cwd?: string, tries = 8): boolean {
    for (let i = 0; i < tries; i++) {
      if (replayed(this.hook(env, cwd))) return true;
      spawnSync('sleep', ['0.05']);
    }
    return false;
  }

  prime(env: Record<string, string | undefined> = {}, cwd?: string): Result {
    // A file changed within the filesystem's timestamp granularity of the record is not vouched for:
    // the record is written by a later run. Bounded by a count, not a time.
    // A replay that lists the untracked files with git then watches the tree instead (replay/upgrade.ts):
    // primed once a replay needed no git list, or one that could not be replaced after a few tries.
    let last: Result | undefined;
    let kept = 0;
    for (let i = 0; i < 60; i++) {
      last = this.hook(env, cwd);
      assert.is(last.code, 0, `the primed pre-commit passes:\n${last.stdout}${last.stderr}`);
      if (replayed(last) && (!/record kept as it is/.test(last.stderr) || ++kept >= 6)) return last;
      spawnSync('sleep', ['0.05']);
    }
    assert.unreachable(`control: an unchanged pre-commit never replays (${missReason(last!)})\n${last!.stderr}`);
    return last!;
  }

  /**
   * After a change: the run with the replay on either does not replay, or
   * agrees with a full run on the same state and leaves everything as it was.
   * Returns whether it replayed.
   */
  agrees(what: string, env: Record<string, string | undefined> = {}, cwd?: string): boolean {
    const before = treePrint(this);
    const a = this.hook(env, cwd);
    const did = replayed(a);
    if (did) assert.is(treePrint(this), before, `${what}: the replay changed the repository`);
    const full = this.full(env, cwd);
    if (did) {
      const why = disagreement(a, full);
      assert.is(why, null, `${what}: stale replay: ${why}\n${describe(a, full)}`);
    }
    return did;
  }
}
