/**
 * Selection, the first pure step of planning: which checks take part and which
 * are skipped before any fingerprint is computed (tags, platform, HEPH_SKIP,
 * no matching files).
 */
import type { ResolvedCheck, ResolvedConfig } from '../config/types.js';
import { HephError } from '../errors.js';
import { filterGlobs } from '../util/glob.js';

export interface SelectOptions {
  /** Only these phases (--phase, or a hook's phases). */
  phases?: string[] | null;
  /** Only these checks, by `name` or `phase/name` (--only). */
  only?: string[] | null;
  /** Skipped by name or `phase/name` (HEPH_SKIP). @default [] */
  skip?: string[];
  /** Checks with any of these tags are skipped. @default [] */
  skipTags?: string[];
  /** Where we run (process.platform). */
  platform: string;
  /** Files a file-scoped check may be given (tracked files for a run, staged files for pre-commit...). */
  candidates: readonly string[];
  /** Whether a candidate is a symbolic link (left out of `{files}` unless the check sets `symlinks`). */
  isSymlink?: (path: string) => boolean;
  /** Whether a candidate is no file at all (a submodule, a directory): never in `{files}`. */
  isNotFile?: (path: string) => boolean;
}

export interface Selected {
  check: ResolvedCheck;
  /** Set when the check is skipped, with the reason. */
  skip?: string;
  files: string[] | null;
}

export interface Selection {
  phases: { name: string; checks: Selected[] }[];
}

function matchesName(check: ResolvedCheck, names: readonly string[]): boolean {
  return names.includes(check.name) || names.includes(check.id);
}

function validateNames(config: ResolvedConfig, opts: SelectOptions): void {
  const problems: string[] = [];
  const phaseNames = config.phases.map((p) => p.name);
  for (const p of opts.phases ?? []) if (!phaseNames.includes(p)) problems.push(`unknown phase "${p}" (phases: ${phaseNames.join(', ')})`);
  const all = config.phases.flatMap((p) => p.checks);
  for (const n of opts.only ?? []) {
    if (!all.some((c) => matchesName(c, [n]))) problems.push(`unknown check "${n}" (checks: ${all.map((c) => c.id).join(', ')})`);
  }
  if (problems.length) throw new HephError('usage', problems.join('\n'), 'names come from .heph.json: `heph status` lists them');
}

function skipReason(check: ResolvedCheck, opts: SelectOptions): string | undefined {
  if (opts.skip?.length && matchesName(check, opts.skip)) return 'skipped by HEPH_SKIP';
  const tag = check.tags.find((t) => opts.skipTags?.includes(t));
  if (tag) return `tag ${tag} skipped`;
  if (check.platform && !check.platform.includes(opts.platform)) return `platform ${check.platform.join(', ')} only`;
  return undefined;
}

export function selectChecks(config: ResolvedConfig, opts: SelectOptions): Selection {
  validateNames(config, opts);
  const phases = config.phases.filter((p) => !opts.phases || opts.phases.includes(p.name));
  return {
    phases: phases
      .map((phase) => ({
      name: phase.name,
      checks: phase.checks
        .filter((c) => !opts.only?.length || matchesName(c, opts.only))
        .map((check) => {
          const skip = skipReason(check, opts);
          if (skip) return { check, skip, files: null };
          if (!check.files) return { check, files: null };
          let files = filterGlobs(opts.candidates, check.files);
          if (!check.symlinks && opts.isSymlink) files = files.filter((f) => !opts.isSymlink!(f));
          if (opts.isNotFile) files = files.filter((f) => !opts.isNotFile!(f));
          return files.length ? { check, files } : { check, skip: 'no matching files', files: null };
        }),
      }))
      .filter((p) => p.checks.length > 0),
  };
}
