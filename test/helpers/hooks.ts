/** Repositories with heph's hooks installed from the built CLI, for tests that make real commits. */
import { Repo } from './repo.js';

/** Runs a shell check over staged files: passes unless a file contains `marker`. */
export const rejects = (marker: string) => `! grep -l ${marker} {files}`;

/** A repo with a committed .heph.json, the given checks in one phase, and hooks installed. */
export function hookedRepo(checks: object[], extra: object = {}): Repo {
  const r = new Repo();
  r.config({ phases: [{ name: 'quality', checks }], ...extra });
  r.write('README.md', '# repo\n');
  r.commitAll('init');
  const res = r.heph(['install']);
  if (res.code !== 0) throw new Error(`heph install failed: ${res.stderr}`);
  return r;
}

/** `git commit` through the installed hooks; returns the result (code 0 = committed). */
export function commit(r: Repo, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  return r.gitResult(['commit', '-q', ...args], opts);
}

export const head = (r: Repo) => r.git('rev-parse', 'HEAD').trim();
export const show = (r: Repo, spec: string) => r.git('show', spec);
