/**
 * Selection, the first pure step of planning: which checks take part and which
 * are skipped before any fingerprint is computed (tags, platform, HEPH_SKIP,
 * no matching files).
 */
import type { ResolvedCheck, ResolvedConfig } from '../config/types.js';
import { HephError } from '../errors.js';
import type { BaseSelection, DigestCache } from '../state/fingerprint.js';
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
  /**
   * Files a file-scoped check may be given (tracked files for a run, staged files for pre-commit...);
   * a function when listing them is costly: called only if a selection is not known from `cache`.
   */
  candidates: readonly string[] | (() => readonly string[]);
  /** How many files each selection held the last time the same snapshot was seen (candidates given as a function only). */
  cache?: DigestCache;
  /** Whether a candidate is a symbolic link (left out of `{files}` unless the check sets `symlinks`). */
  isSymlink?: (path: string) => boolean;
  /** Whether a candidate is no file at all (a submodule, a directory): never in `{files}`. */
  isNotFile?: (path: string) => boolean;
  /** A selection patched from the last snapshot's (candidates given as a function only), and where to keep one listed here. */
  base?: { get(key: string, check: ResolvedCheck): BaseSelection | undefined; keep(key: string, files: readonly string[]): void };
}

export interface Selected {
  check: ResolvedCheck;
  /** Set when the check is skipped, with the reason. */
  skip?: string;
  /** The selected files; listed on first read when the selection came from the cache. */
  files: string[] | null;
  /** How many files `files` holds (known without listing them). */
  count?: number;
  /** Names this selection in the cache (set when the candidates were given as a function). */
  key?: string;
  /** Set when the selection was patched from the last snapshot's. */
  base?: BaseSelection;
}

/** A selection whose files are listed only when something reads them. */
function lazySelected(check: ResolvedCheck, count: number, key: string, list: () => string[]): Selected {
  let files: string[] | undefined;
  return {
    check,
    count,
    key,
    get files() {
      return (files ??= list());
    },
    set files(v) {
      files = v ?? undefined;
    },
  };
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
  const given = opts.candidates;
  let listed: readonly string[] | undefined;
  const candidates = () => (listed ??= typeof given === 'function' ? given() : given);
  const cache = typeof given === 'function' ? opts.cache : undefined;
  const pick = (check: ResolvedCheck): string[] => {
    let files = filterGlobs(candidates(), check.files!);
    if (!check.symlinks && opts.isSymlink) files = files.filter((f) => !opts.isSymlink!(f));
    if (opts.isNotFile) files = files.filter((f) => !opts.isNotFile!(f));
    return files;
  };
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
          const key = cache ? `select\0${check.files.join('\0')}\0${check.symlinks ? 1 : 0}` : undefined;
          const known = key ? cache!.get(key) : undefined;
          if (known && known.count > 0) return lazySelected(check, known.count, key!, () => pick(check));
          if (known) return { check, skip: 'no matching files', files: null };
          const based = key ? opts.base?.get(key, check) : undefined;
          if (based) {
            cache!.set(key!, { digest: '', count: based.count, cacheable: true });
            return based.count ? Object.assign(lazySelected(check, based.count, key!, based.files), { base: based }) : { check, skip: 'no matching files', files: null };
          }
          const files = pick(check);
          if (key) {
            cache!.set(key, { digest: '', count: files.length, cacheable: true });
            opts.base?.keep(key, files);
          }
          return files.length ? { check, files, count: files.length, ...(key ? { key } : {}) } : { check, skip: 'no matching files', files: null };
        }),
      }))
      .filter((p) => p.checks.length > 0),
  };
}
