/** What a fingerprint is made of; stored with each result so a miss can say what changed. */
export interface Components {
  /** Digest of the resolved command settings (run, fix, shell, cwd, files). */
  command: string;
  /** Digest of the inputs' (path, mode, blob id) list; for a per-file check, of its inputs other than its files. */
  inputs: string;
  /** Number of input files. */
  inputCount: number;
  /** Digest of the files the check was given (`{files}`), `all` when not file-scoped, `per-file` when certified file by file. */
  scope: string;
  /** Per variable: a digest of `name=value` (or of `<unset>`). Values are never stored. */
  env: Record<string, string>;
  /** `process.platform/process.arch`. */
  platform: string;
  /** The cache format version. */
  version: number;
  /** Digest of event data the checks read (the commit message in commit-msg), if any. */
  extra?: string;
}

/** The last outcome of one check, as stored. */
export interface StoredResult {
  fingerprint: string;
  components: Components;
  status: 'passed' | 'failed' | 'fixed';
  exitCode: number | null;
  durationMs: number;
  /** Epoch ms when the result was recorded. */
  at: number;
  /**
   * Per-file checks: the files digests (state/fingerprint.ts) of the last few
   * selections this check left wholly certified, newest first.
   */
  files?: string[];
  /** The last few lines of output (failures only). */
  tail?: string;
  /** Path of the run log that holds the full output. */
  log?: string;
}

/**
 * One check in a kept run. Fields past `savedMs` were added later: rows
 * written before them lack them, and readers treat them as unknown.
 */
export interface RunCheckRecord {
  id: string;
  status: string;
  durationMs: number;
  savedMs?: number;
  /** Why the plan ran or skipped it ("inputs changed: uv.lock", "skipped by HEPH_SKIP"); absent for reuse. */
  reason?: string;
  /** The input paths whose change made it run (at most 20). */
  changed?: string[];
  fingerprint?: string | null;
  /** Where a reused result came from. @default "local" */
  source?: 'local' | 'remote';
}

/** One run (or, with `kind: "rollback"`, one `heph rollback` of fixes), as kept for `heph stats`. */
export interface RunRecord {
  at: number;
  mode: 'fast' | 'full';
  event: string | null;
  ok: boolean;
  durationMs: number;
  checks: RunCheckRecord[];
  /** @default "run" */
  kind?: 'run' | 'rollback';
  /** Set when Ctrl-C or SIGTERM stopped the run. */
  interrupted?: string;
  /** Set when `--skip-tests` (or HEPH_SKIP_TESTS) was given. */
  skipTests?: boolean;
  /** The names HEPH_SKIP listed, when it was set. */
  skip?: string[];
  /** A cached pre-commit printed again from its replay record (replay/verify.ts). */
  replayed?: boolean;
}

/** The state store: results and input manifests, keyed by check id (`phase/name`). */
export interface StateStore {
  getResults(ids: string[]): Promise<Map<string, StoredResult>>;
  putResult(id: string, result: StoredResult): Promise<void>;
  /** The `path\0oid` list of the inputs behind the last stored result, if kept. */
  getManifest(id: string): Promise<string | null>;
  putManifest(id: string, manifest: string): Promise<void>;
  /** When each of these file certifications was recorded (absent: not certified). */
  getCerts(keys: string[]): Promise<Map<string, number>>;
  /** Records that a check passed on files (their certification keys, see state/fingerprint.ts). */
  putCerts(check: string, keys: string[], at: number): Promise<void>;
  /** Forgets the given checks' results and certifications, or all; returns how many checks were removed. */
  clear(ids?: string[]): Promise<number>;
  /** All stored check ids. */
  ids(): Promise<string[]>;
  /** Appends a run to the history (the newest few hundred are kept). */
  addRun(run: RunRecord): Promise<void>;
  /** The kept runs, oldest first. */
  runs(): Promise<RunRecord[]>;
  close(): Promise<void>;
}
