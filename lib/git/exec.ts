/**
 * The one funnel through which heph runs git: `git` (async), `gitParallel`
 * (several reads from one spawn) and `gitSyncResult`/`gitSync` (synchronous,
 * for code that cannot wait: hashing a submodule, and the stash, which also
 * runs from signal handlers). All build git's arguments and environment the
 * same way (`prepare`). It uses node's spawn directly: git runs several times
 * on every hook, and a process library would cost more to load than the calls
 * themselves.
 */
import { monotonicMs } from '../clock.js';
import { spawn, spawnSync } from 'node:child_process';
import { HephError } from '../errors.js';
import { debug } from '../debug.js';
import { decodeBytes, encodeBytes } from './bytes.js';

const log = debug('git');

export interface GitOptions {
  cwd: string;
  /** Bytes or text written to git's stdin. */
  input?: string | Buffer;
  /** Extra environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Exit codes that are not errors (besides 0). */
  okCodes?: number[];
  /** Pathspecs are file names, never patterns (`GIT_LITERAL_PATHSPECS=1`): a name may start with `:` or hold `*`. @default false */
  literal?: boolean;
  /** A read that must not take optional locks (`GIT_OPTIONAL_LOCKS=0`): it never refreshes the index under a user's `git`. @default false */
  noLocks?: boolean;
  /** `key=value` settings git runs with (each passed as `-c`), ahead of the user's configuration. */
  config?: readonly string[];
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

// Copying process.env is slow (every read crosses into C++), and heph calls git
// several times per run: copy it once and derive per-call environments from that.
let baseEnv: NodeJS.ProcessEnv | undefined;
const derived = new Map<string, NodeJS.ProcessEnv>();

function childEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  baseEnv ??= { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  if (!extra) return baseEnv;
  // Entries, not the object: JSON.stringify drops an undefined value, and a removal must not share the key of a call without it.
  const key = JSON.stringify(Object.entries(extra));
  let env = derived.get(key);
  if (!env) {
    env = { ...baseEnv };
    for (const [k, v] of Object.entries(extra)) (v === undefined ? delete env[k] : (env[k] = v));
    derived.set(key, env);
  }
  return env;
}

const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };
const NO_LOCKS = { GIT_OPTIONAL_LOCKS: '0' };

/** git's argument list and environment for a call: the one place options become flags and variables. */
function prepare(args: readonly string[], opts: Omit<GitOptions, 'cwd'>): { argv: string[]; env: NodeJS.ProcessEnv } {
  const argv = opts.config?.length ? [...opts.config.flatMap((kv) => ['-c', kv]), ...args] : [...args];
  const extra = opts.literal || opts.noLocks ? { ...(opts.literal ? LITERAL : {}), ...(opts.noLocks ? NO_LOCKS : {}), ...opts.env } : opts.env;
  return { argv, env: childEnv(extra) };
}

const stdinOf = (input: string | Buffer | undefined): Buffer | string => (typeof input === 'string' ? encodeBytes(input) : input ?? '');

/** Runs git and resolves with raw stdout; a non-zero exit (not in okCodes) rejects with HephError('git'). */
export function git(args: string[], opts: GitOptions): Promise<GitResult> {
  const started = monotonicMs();
  const { argv, env } = prepare(args, opts);
  return new Promise((resolve, reject) => {
    const child = spawn('git', argv, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new HephError('git', 'git was not found on PATH', 'install git (2.31 or newer) or fix PATH')
          : new HephError('git', `could not run git: ${e.message}`),
      );
    });
    child.on('close', (code) => {
      const res = { code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
      log(`${args.join(' ')} → ${res.code} (${(monotonicMs() - started).toFixed(1)}ms)`);
      if (res.code === 0 || opts.okCodes?.includes(res.code)) resolve(res);
      else reject(new HephError('git', `git ${args.join(' ')} failed (exit ${res.code}): ${res.stderr.trim()}`));
    });
    child.stdin.on('error', () => {}); // git may exit before reading all input
    child.stdin.end(stdinOf(opts.input));
  });
}

/**
 * Runs several independent git commands at once from a single spawn: a POSIX
 * shell starts them in parallel, each writing to its own pipe. Spawning costs
 * the calling thread ~2 ms per process, and a cached hook has little more to
 * do than read these outputs. The commands are fixed argument lists (never file
 * names), each quoted as one shell word. Falls back to separate spawns where
 * there is no POSIX shell.
 */
export async function gitParallel(commands: string[][], opts: GitOptions): Promise<GitResult[]> {
  if (process.platform === 'win32' || commands.length < 2) return Promise.all(commands.map((args) => git(args, opts)));
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const { env } = prepare([], opts);
  const script =
    commands.map((args, i) => `git ${prepare(args, opts).argv.map(quote).join(' ')} >&${i + 3} 2>/dev/null & p${i}=$!`).join('\n') +
    '\n' +
    commands.map((_, i) => `wait $p${i} || exit $((100 + ${i}))`).join('\n');
  const started = monotonicMs();
  return new Promise((resolve, reject) => {
    const stdio = ['ignore', 'ignore', 'pipe', ...commands.map(() => 'pipe' as const)] as ('ignore' | 'pipe')[];
    // By absolute path: a bare `sh` makes the kernel try every PATH entry before it (a failed exec each).
    const child = spawn('/bin/sh', ['-c', script], { cwd: opts.cwd, env, stdio });
    const outs = commands.map(() => [] as Buffer[]);
    commands.forEach((_, i) => (child.stdio[i + 3] as NodeJS.ReadableStream).on('data', (b: Buffer) => outs[i].push(b)));
    child.on('error', () => resolve(Promise.all(commands.map((args) => git(args, opts)))));
    child.on('close', (code) => {
      log(`${commands.map((c) => c.join(' ')).join(' & ')} → ${code} (${(monotonicMs() - started).toFixed(1)}ms)`);
      if (code === 0) return resolve(outs.map((o) => ({ code: 0, stdout: Buffer.concat(o), stderr: '' })));
      // Re-run the failing command alone for its real error message.
      const failed = code !== null && code >= 100 && code < 100 + commands.length ? commands[code - 100] : commands[0];
      git(failed, opts).then(() => reject(new HephError('git', `git ${failed.join(' ')} failed`)), reject);
    });
  });
}

/**
 * Runs git synchronously and returns its exit code and output, whatever the
 * code (git that cannot start is code 1): for code that cannot wait, such as
 * the stash's restore from a signal handler.
 */
export function gitSyncResult(args: string[], opts: Omit<GitOptions, 'okCodes'>): GitResult {
  const started = monotonicMs();
  const { argv, env } = prepare(args, opts);
  const r = spawnSync('git', argv, { cwd: opts.cwd, env, input: opts.input === undefined ? undefined : stdinOf(opts.input), maxBuffer: 1 << 30 });
  log(`${args.join(' ')} → ${r.status} (${(monotonicMs() - started).toFixed(1)}ms, sync)`);
  return { code: r.status ?? 1, stdout: r.stdout ?? Buffer.alloc(0), stderr: String(r.stderr ?? '') };
}

/** Runs git synchronously, for the rare reads that sit inside synchronous code (a dirty submodule's state while hashing); null when git fails. */
export function gitSync(args: string[], opts: Omit<GitOptions, 'okCodes' | 'input'>): Buffer | null {
  const r = gitSyncResult(args, opts);
  return r.code === 0 ? r.stdout : null;
}

/** Runs git and returns trimmed stdout text. */
export async function gitText(args: string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).stdout.toString('utf8').trim();
}

/** Splits NUL-separated git output (`-z`) into its fields, dropping the empty tail. */
export function splitZ(buf: Buffer | string): string[] {
  const s = typeof buf === 'string' ? buf : decodeBytes(buf);
  if (!s) return [];
  const parts = s.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
