/**
 * Test fixtures: real git repositories in temp dirs and the real CLI bundle.
 * Nothing here mocks git.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(process.cwd());
export const CLI = join(ROOT, 'dist', 'cli.cjs');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment for child processes: no inherited heph or git hook
 * variables, and no CI flag (tools and scripts behave differently under CI).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('HEPH') || k.startsWith('GIT_') || k === 'NODE_EXTRA_CA_CERTS' || k === 'CI') continue;
    env[k] = v;
  }
  Object.assign(env, {
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function sh(cmd: string, args: string[], opts: SpawnSyncOptions & { cwd: string }): Result {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(), ...opts });
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export class Repo {
  /** The temp dir holding the repo and anything tests keep outside it. */
  readonly base: string;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(opts: { bare?: boolean } = {}) {
    this.base = mkdtempSync(join(tmpdir(), 'heph-test-'));
    this.dir = join(this.base, 'repo');
    mkdirSync(this.dir);
    this.env = cleanEnv({ HOME: this.base, XDG_CONFIG_HOME: join(this.base, '.config') });
    this.git('init', '-q', '-b', 'main', ...(opts.bare ? ['--bare'] : []));
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  write(rel: string, content: string, mode?: number): this {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    if (mode !== undefined) chmodSync(p, mode);
    return this;
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  remove(rel: string): this {
    rmSync(this.path(rel), { recursive: true, force: true });
    return this;
  }

  config(cfg: unknown): this {
    return this.write('.heph.json', JSON.stringify(cfg, null, 2));
  }

  git(...args: string[]): string {
    const r = sh('git', args, { cwd: this.dir, env: this.env });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  gitResult(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): Result {
    return sh('git', args, { cwd: opts.cwd ?? this.dir, env: { ...this.env, ...opts.env }, input: opts.input });
  }

  commitAll(msg = 'commit'): this {
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '-m', msg);
    return this;
  }

  /** Runs the built CLI in this repo (or `cwd`). */
  heph(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; input?: string; timeout?: number } = {}): Result {
    const env = { ...this.env };
    for (const [k, v] of Object.entries(opts.env ?? {})) v === undefined ? delete env[k] : (env[k] = v);
    return sh(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? this.dir, env, input: opts.input, timeout: opts.timeout ?? 60_000 });
  }

  /** JSON report of a `--json` run. */
  hephJson(args: string[], opts: Parameters<Repo['heph']>[1] = {}): { code: number; report: any; stderr: string } {
    const r = this.heph([...args, '--json'], opts);
    let report: any;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    return { code: r.code, report, stderr: r.stderr };
  }

  /**
   * A fake command that records each invocation (and its arguments) in a file
   * outside the repository, so a test can assert a check did or did not run.
   */
  counter(name: string, exit = 0): string {
    const script = join(this.base, 'bin', name);
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(
      script,
      `#!/bin/sh\n{ for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\036\\n'; } >> "${join(this.base, 'calls', name)}"\nexit \${FAKE_EXIT_${name.replace(/\W/g, '_')}:-${exit}}\n`,
    );
    chmodSync(script, 0o755);
    mkdirSync(join(this.base, 'calls'), { recursive: true });
    return script;
  }

  /** How many times a counter ran. */
  calls(name: string): number {
    const f = join(this.base, 'calls', name);
    return this.callArgs(name).length;
  }

  /** The arguments of each run of a counter. */
  callArgs(name: string): string[][] {
    const f = join(this.base, 'calls', name);
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8')
      .split('\x1e\n')
      .slice(0, -1)
      .map((l) => l.split('\0').slice(0, -1));
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** Status of each check in a JSON report, as `{ "phase/name": status }`. */
export function statuses(report: { checks: { phase: string; name: string; status: string }[] }): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [`${c.phase}/${c.name}`, c.status]));
}

/**
 * Repositories made (or passed) through the returned function are removed
 * after each test of `suite`.
 */
export function repoPool(suite: { after: { each(fn: () => void): void } }): <T extends Repo = Repo>(r?: T) => T {
  let repos: Repo[] = [];
  suite.after.each(() => {
    for (const r of repos) r.cleanup();
    repos = [];
  });
  return <T extends Repo = Repo>(r?: T): T => {
    const repo = (r ?? new Repo()) as T;
    repos.push(repo);
    return repo;
  };
}
