/**
 * The one description of `.heph.json`. The validator (validate.ts) and the
 * JSON Schema shipped for editors (json-schema.ts) are both derived from it,
 * so they cannot disagree.
 */
import { HOOK_EVENTS } from './types.js';

export type Node =
  | { kind: 'string'; desc: string; pattern?: RegExp; expected?: string; enum?: readonly string[] }
  | { kind: 'duration'; desc: string; forever: boolean; /** Zero is refused ("0s" would mean no limit at all). */ positive?: boolean }
  | { kind: 'boolean'; desc: string }
  | { kind: 'number'; desc: string; integer?: boolean; min: number }
  | { kind: 'array'; desc: string; items: Node; nonEmpty?: boolean }
  | { kind: 'object'; desc: string; props: Record<string, Prop> };

export interface Prop {
  node: Node;
  required?: boolean;
}

export const NAME = /^[a-z0-9][a-z0-9._-]*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const PLATFORMS = ['aix', 'android', 'cygwin', 'darwin', 'freebsd', 'haiku', 'linux', 'netbsd', 'openbsd', 'sunos', 'win32'] as const;

const str = (desc: string, extra: Partial<Extract<Node, { kind: 'string' }>> = {}): Node => ({ kind: 'string', desc, ...extra });
const globs = (desc: string): Node => ({ kind: 'array', desc, items: str('a glob, relative to the repository root', { pattern: /./, expected: 'a non-empty glob' }) });
const name = (desc: string): Node => str(desc, { pattern: NAME, expected: 'a name matching [a-z0-9][a-z0-9._-]*' });

export const checkSchema: Node = {
  kind: 'object',
  desc: 'A check: one command with what it is about and what its result depends on.',
  props: {
    name: { node: name('Unique inside its phase.'), required: true },
    description: { node: str('What the check is for; not part of the fingerprint.') },
    enabled: { node: { kind: 'boolean', desc: '`false` removes the check (one inherited through `extends`, typically). Default true.' } },
    run: { node: str('The command. Split into words like a shell, run without one unless `shell`. `{files}` expands to the selected files, one argument each. `heph:<name>` runs a built-in check in-process (heph:trailing-whitespace, heph:json, ...).', { pattern: /\S/, expected: 'a non-empty command' }), required: true },
    shell: { node: { kind: 'boolean', desc: 'Run `run`/`fix` through `sh -c`; files still go as positional arguments ("$@").' } },
    fix: { node: str('Remediation: run when `run` fails, then `run` is checked again.', { pattern: /\S/, expected: 'a non-empty command' }) },
    files: { node: globs('Globs of the files this check is about. In a hook, the changed files that match; in `heph run`, every tracked file that matches. No match: the check is skipped.') },
    symlinks: { node: { kind: 'boolean', desc: 'Give symbolic links in `{files}` too. Default false: a formatter or linter given a link by name reads (or rewrites) its target, or refuses it.' } },
    inputs: { node: globs('Globs whose content forms the fingerprint; a path given literally is hashed even when git ignores it. Default: `files` if set, else every tracked and untracked, non-ignored file.') },
    env: { node: { kind: 'array', desc: 'Environment variables whose values are part of the fingerprint.', items: str('a variable name', { pattern: ENV_NAME, expected: 'an environment variable name' }) } },
    ttl: { node: { kind: 'duration', forever: true, desc: 'How long a passing result may be reused in fast mode: "30s", "10m", "1h", "7d" or "forever" (default).' } },
    tags: { node: { kind: 'array', desc: 'Free labels; `test` is skipped by --skip-tests.', items: str('a tag', { pattern: /\S/, expected: 'a non-empty tag' }) } },
    platform: { node: { kind: 'array', desc: 'Run only on these process.platform values.', nonEmpty: true, items: str('a platform', { enum: PLATFORMS }) } },
    timeout: { node: { kind: 'duration', forever: false, positive: true, desc: 'Kill the check and its children after this long; counts as a failure. Must be more than zero.' } },
    cwd: { node: str('Directory to run in, relative to the repository root.', { pattern: /^(?!\/)(?![A-Za-z]:)/, expected: 'a path relative to the repository root' }) },
    incremental: { node: { kind: 'boolean', desc: 'For a check whose `run` uses `{files}`: cache each file separately (default true), so a later run gives it only files not yet certified. Set false when a file\'s result depends on other files (a type checker over the project).' } },
  },
};

/** The shared result cache (docs/remote-cache.md). The signing key is never here: only in HEPH_REMOTE_SIGNING_KEY. */
const remoteSchema: Node = {
  kind: 'object',
  desc: 'A result cache shared by a team on Redis or PostgreSQL: signed pass results, verified with `publicKey`.',
  props: {
    url: { node: str('redis://… or postgres://… (HEPH_REMOTE_URL overrides it). Prefer the environment when it holds a password.', { pattern: /^(redis|rediss|postgres|postgresql):\/\/\S+$/, expected: 'a redis://, rediss://, postgres:// or postgresql:// URL' }) },
    mode: { node: str('"read" (default), "write" or "read-write"; HEPH_REMOTE_MODE overrides it.', { enum: ['read', 'write', 'read-write'] }) },
    namespace: { node: name('Separates repositories (or teams) sharing one server; part of every key and of every signed entry.'), required: true },
    publicKey: { node: str('The Ed25519 public key (SPKI PEM, as `openssl pkey -pubout` writes it) entries must be signed with.', { pattern: /^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, expected: 'a PEM public key (-----BEGIN PUBLIC KEY----- …)' }), required: true },
    timeout: { node: { kind: 'duration', forever: false, desc: 'How long a run waits for the remote before going on with local results only (default "500ms").' } },
  },
};

const hookSchema: Node = {
  kind: 'object',
  desc: 'What a git event runs.',
  props: {
    mode: { node: str('"fast" reuses unchanged results; "full" runs everything.', { enum: ['fast', 'full'] }) },
    phases: { node: { kind: 'array', desc: 'Which phases run (default: all).', items: name('a phase name') } },
    skipTags: { node: { kind: 'array', desc: 'Tags skipped in this hook.', items: str('a tag', { pattern: /\S/, expected: 'a non-empty tag' }) } },
  },
};

export const WEBHOOK_EVENTS = ['failed', 'fixed', 'passed', 'interrupted'] as const;
export const WEBHOOK_HOOKS = [...HOOK_EVENTS, 'run'] as const;

const webhookSchema: Node = {
  kind: 'object',
  desc: 'A URL told about runs: Standard Webhooks (signed) or a Slack incoming webhook.',
  props: {
    url: { required: true, node: str('Where to POST: an http(s) URL, or `env:NAME` to read it from an environment variable (a Slack URL is itself a secret).', { pattern: /^(https?:\/\/\S+|env:[A-Za-z_][A-Za-z0-9_]*)$/, expected: 'an http(s) URL or env:NAME' }) },
    events: { node: { kind: 'array', nonEmpty: true, desc: 'Outcomes that are sent (default ["failed"]).', items: str('an outcome', { enum: WEBHOOK_EVENTS }) } },
    hooks: { node: { kind: 'array', nonEmpty: true, desc: 'Where from: git events and/or "run" for `heph run` (default ["pre-push", "run"]; pre-commit only when listed).', items: str('a hook event or "run"', { enum: WEBHOOK_HOOKS }) } },
    format: { node: str('"standard" (Standard Webhooks, signed; default) or "slack" (`{text, blocks}`).', { enum: ['standard', 'slack'] }) },
    secretEnv: { node: str('The environment variable holding the signing secret (`whsec_…`); required for "standard". Never put the secret itself in the file.', { pattern: ENV_NAME, expected: 'an environment variable name' }) },
    timeout: { node: { kind: 'duration', forever: false, desc: 'The most time delivery may take, both tries included (default "4s").' } },
  },
};

export const configSchema: Node = {
  kind: 'object',
  desc: 'heph configuration: phases of checks, and the git hooks that run them.',
  props: {
    $schema: { node: str('The JSON Schema this file follows (for editors).') },
    extends: {
      node: {
        kind: 'array',
        desc: 'Shared sets this file builds on: npm packages ("@acme/heph-checks"), files ("./ci/heph.base.json") or built-in sets ("heph:python", "heph:node"). Later entries win; this file wins over all.',
        items: str('a package, a path starting with ./ or ../, or heph:<set>', { pattern: /\S/, expected: 'a non-empty package name or path' }),
      },
    },
    name: { node: str('In a member (a .heph.json below the repository root): the name its checks are addressed by (`name/phase/check`, --project). Default: its directory.', { pattern: /^[A-Za-z0-9@][A-Za-z0-9._@/-]*$/, expected: 'a member name: letters, digits, . _ - @ and /' }) },
    settings: {
      node: {
        kind: 'object',
        desc: 'Settings for the store, logs, disk guard, lock and webhooks.',
        props: {
          store: { node: str('The state store.', { enum: ['sqlite'] }) },
          logs: { node: { kind: 'object', desc: 'Run logs.', props: { keep: { node: { kind: 'number', integer: true, min: 1, desc: 'How many run logs to keep (default 20).' } } } } },
          minFreeDiskMB: { node: { kind: 'number', min: 0, desc: 'Below this free space (MB) heph runs nothing and exits 4 (default 1024).' } },
          lockTimeout: { node: { kind: 'duration', forever: false, desc: 'How long to wait for another run to finish (default "30s").' } },
          webhooks: { node: { kind: 'array', desc: 'Where to post the outcome of runs, after the result is final; never delays or fails a commit.', items: webhookSchema } },
          remote: { node: remoteSchema },
        },
      },
    },
    phases: {
      // Required unless the file `extends` others (validate.ts says so).
      node: {
        kind: 'array',
        desc: 'Phases, run in order; a failing phase stops the run.',
        nonEmpty: true,
        items: {
          kind: 'object',
          desc: 'A phase: checks that run concurrently.',
          props: {
            name: { node: name('Unique phase name.'), required: true },
            checks: { node: { kind: 'array', desc: 'The checks of this phase.', items: checkSchema }, required: true },
          },
        },
      },
    },
    hooks: {
      node: {
        kind: 'object',
        desc: 'Git events heph handles and what each runs. Absent: pre-commit, pre-push, post-checkout and post-merge with their defaults.',
        props: Object.fromEntries(HOOK_EVENTS.map((e) => [e, { node: hookSchema }])),
      },
    },
  },
};

export const DURATION = /^(\d+(\.\d+)?)(ms|s|m|h|d)$/;
