/** Flags of `heph run` / `heph hook run`, merged with their HEPH_* environment equivalents. */
import { availableParallelism } from 'node:os';
import { HephError } from '../errors.js';

export interface RunFlags {
  fast?: boolean;
  skipTests?: boolean;
  dryRun?: boolean;
  interactive?: boolean;
  /** cac turns `--no-fix` into `fix: false`. */
  fix?: boolean;
  json?: boolean;
  phase?: string | string[];
  only?: string | string[];
  concurrency?: string | number;
  summary?: string;
  project?: string | string[];
  all?: boolean;
}

export interface RunOptions {
  /** Undefined when neither flag nor env says: a hook then uses its configured mode. */
  fast: boolean | undefined;
  skipTests: boolean;
  dryRun: boolean;
  interactive: boolean;
  autoFix: boolean;
  json: boolean;
  phases: string[] | null;
  only: string[] | null;
  /** Members by name or directory (--project); null = every member, or the one `heph run` starts in. */
  projects: string[] | null;
  /** --all: the whole repository even from inside a member. */
  all: boolean;
  skip: string[];
  concurrency: number;
  /** Where to write the run summary (a file, or a folder to add one file per run to); null = none. */
  summary: string | null;
}

/** `1`, `true`, `yes`, `on` → true; `0`, `false`, `no`, `off`, '' → false; unset → undefined. */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name];
  if (v === undefined) return undefined;
  return ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase());
}

/** A repeatable, comma-separable flag (`--phase a --phase b,c`) as a list; null when absent or empty. */
export const list = (v: string | string[] | undefined): string[] | null => {
  if (v === undefined) return null;
  const items = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
};

function concurrency(flag: string | number | undefined, env: NodeJS.ProcessEnv): number {
  const raw = flag ?? env.HEPH_CONCURRENCY;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new HephError('usage', `--concurrency must be a positive integer, found "${raw}"`, 'for example --concurrency 4 or HEPH_CONCURRENCY=4');
  }
  return n;
}

export function runOptions(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): RunOptions {
  return {
    fast: flags.fast || envFlag(env, 'HEPH_FAST') || undefined,
    skipTests: !!(flags.skipTests || envFlag(env, 'HEPH_SKIP_TESTS')),
    dryRun: !!(flags.dryRun || envFlag(env, 'HEPH_DRY_RUN')),
    interactive: !!(flags.interactive || envFlag(env, 'HEPH_INTERACTIVE')),
    autoFix: flags.fix !== false && envFlag(env, 'HEPH_AUTO_FIX') !== false,
    json: !!flags.json,
    phases: list(flags.phase),
    only: list(flags.only),
    projects: list(flags.project),
    all: !!flags.all,
    skip: list(env.HEPH_SKIP) ?? [],
    concurrency: concurrency(flags.concurrency, env),
    summary: (typeof flags.summary === 'string' && flags.summary) || env.HEPH_SUMMARY || null,
  };
}
