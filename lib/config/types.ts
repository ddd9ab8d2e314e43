/** Git events heph can be wired to. */
export const HOOK_EVENTS = ['pre-commit', 'pre-push', 'post-checkout', 'post-merge', 'post-rewrite', 'commit-msg'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export type Mode = 'fast' | 'full';

/** One check after defaults are applied. */
export interface ResolvedCheck {
  /** `phase/name`, unique in the config. */
  id: string;
  phase: string;
  name: string;
  /** The command, split into words like a shell would (unless `shell`). */
  run: string;
  /** @default false */
  shell: boolean;
  /** @default null */
  fix: string | null;
  /** Globs of files the check is about; null = not file-scoped. */
  files: string[] | null;
  /** Whether `{files}` includes symbolic links. @default false */
  symlinks: boolean;
  /** Globs forming the fingerprint; null = every tracked file. @default files */
  inputs: string[] | null;
  /** @default [] */
  env: string[];
  /** How long a pass may be reused in fast mode, in ms. @default Infinity ("forever") */
  ttlMs: number;
  /** The ttl as written, for messages ("1h"). @default "forever" */
  ttl: string;
  /** @default [] */
  tags: string[];
  /** process.platform values; null = all. */
  platform: string[] | null;
  /** @default null (no timeout) */
  timeoutMs: number | null;
  /** Relative to the repository root, posix separators, '' = root. @default '' */
  cwd: string;
  /**
   * The shared sets (`extends`) that gave this check keys, with their versions
   * (`@acme/checks@1.2.0 + heph:python@0.2.0`); part of the fingerprint.
   * @default null (the repository's own file alone defines it)
   */
  source?: string | null;
  /** Per-file certification for a check whose `run` uses `{files}`. @default true */
  incremental: boolean;
  /**
   * The member (a directory with its own `.heph.json`) the check belongs to;
   * its id is then `member/phase/name`. @default undefined (the root config's check)
   */
  member?: string;
}

export interface ResolvedPhase {
  name: string;
  checks: ResolvedCheck[];
}

export interface ResolvedHook {
  /** @default pre-commit: fast; pre-push: full; others: fast */
  mode: Mode;
  /** null = all phases */
  phases: string[] | null;
  /** @default [] */
  skipTags: string[];
}

export interface Settings {
  /** @default "sqlite" */
  store: 'sqlite';
  logs: { /** @default 20 */ keep: number };
  /** @default 1024 */
  minFreeDiskMB: number;
  /** @default 30000 ("30s") */
  lockTimeoutMs: number;
  /** The shared result cache, as written in the file (environment overrides apply later). Absent: none. */
  remote?: RemoteConfig;
  /** @default [] */
  webhooks?: ResolvedWebhook[];
}

export type WebhookEvent = 'failed' | 'fixed' | 'passed' | 'interrupted';

export interface ResolvedWebhook {
  /** An http(s) URL, or `env:NAME`. */
  url: string;
  /** @default ["failed"] */
  events: WebhookEvent[];
  /** Git events, or "run" for `heph run`. @default ["pre-push", "run"] */
  hooks: (HookEvent | 'run')[];
  /** @default "standard" */
  format: 'standard' | 'slack';
  /** @default null */
  secretEnv: string | null;
  /** Total delivery budget, retry included. @default 4000 ("4s") */
  timeoutMs: number;
}

/** `settings.remote` (docs/remote-cache.md). */
export interface RemoteConfig {
  url: string | null;
  /** @default "read" */
  mode: RemoteMode;
  namespace: string;
  /** Ed25519 public key, SPKI PEM. */
  publicKey: string;
  /** @default 500 ("500ms") */
  timeoutMs: number;
}

export type RemoteMode = 'read' | 'write' | 'read-write';

export interface ResolvedConfig {
  /** Absolute path of the .heph.json that was loaded. */
  file: string;
  settings: Settings;
  phases: ResolvedPhase[];
  /** Events to install and what each runs. Absent `hooks` → the four defaults. */
  hooks: Partial<Record<HookEvent, ResolvedHook>>;
  /** Set when the file uses `extends`: the layers and where each check came from. */
  sources?: import('./layered.js').ConfigSources;
  /** The members found below the root (nested `.heph.json` files). @default [] */
  members?: Member[];
}

/** A directory of the repository with its own `.heph.json`. */
export interface Member {
  /** The `name` key of its config, or its directory. */
  name: string;
  /** Relative to the repository root, posix separators. */
  dir: string;
  /** The config file, relative to the repository root. */
  file: string;
  /** Globs (root-relative) whose change concerns the member: its directory and its inputs outside it. */
  scope: string[];
  /** Its own `hooks`, replacing the root's for its checks; null = the root's apply. */
  hooks: Partial<Record<HookEvent, ResolvedHook>> | null;
  /** The layers its config is merged from through `extends` (files in the repository named from its root). @default [] */
  layers?: string[];
  /** Which layer defined each of its checks (`phase/name`) and set each key; absent without `extends`. */
  origins?: Record<string, import('./merge.js').CheckOrigin>;
}

/** One problem found while validating `.heph.json`. */
export interface ConfigProblem {
  /** JSON path, e.g. `phases[1].checks[0].ttl`; '' for the document itself. */
  path: string;
  /** What was expected, e.g. `a duration like "30s", "10m", "1h", "7d" or "forever"`. */
  expected: string;
  /** What was found, rendered short, e.g. `5` or `"soon"` or `nothing`. */
  found: string;
  /** An optional extra hint, e.g. `did you mean "inputs"?` */
  hint?: string;
}
