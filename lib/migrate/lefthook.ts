/**
 * lefthook: `lefthook.yml` (or .lefthook.yml, lefthook.yaml, .config/lefthook.yml…),
 * each git event's `commands` (a map) or `jobs` (a list). `{staged_files}` and
 * `{push_files}` become `{files}` over `glob`; `stage_fixed` commands are split
 * into check and fix, whose changes heph re-stages; `{1}` in commit-msg is the
 * message file.
 */
import { splitFixer, needsShell } from './commands.js';
import { LEFTHOOK_FILES } from './detect.js';
import { firstExisting, readData, type Any } from './read.js';
import { addCheck, EVENTS, skipEvent, type Event, type Migration } from './result.js';

const NOT_HOOKS = new Set(['assert_lefthook_installed', 'colors', 'no_tty', 'extends', 'min_version', 'output', 'rc', 'remotes', 'skip_output', 'source_dir', 'source_dir_local', 'lefthook', 'templates']);

const findLefthook = (root: string) => firstExisting(root, LEFTHOOK_FILES);

/** Job keys the conversion uses or that do not change what runs (priority, fail_text, ...). */
const HANDLED = new Set(['name', 'run', 'glob', 'stage_fixed', 'exclude', 'root', 'env', 'files', 'script', 'group', 'runner', 'priority', 'fail_text', 'parallel', 'piped']);

/** lefthook's `glob` (a string or, in newer versions, a list). */
const globs = (g: unknown): string[] | null => (typeof g === 'string' ? [g] : Array.isArray(g) ? g.map(String) : null);

function convertJob(m: Migration, event: Event, name: string, job: Any, where: string) {
  const what = `${where} ${event} ${name}`;
  if (job.script) return m.skipped.push({ what, why: `script "${job.script}" lives in .lefthook/${event}/; add it as a check running that file` });
  if (job.group) return m.skipped.push({ what, why: 'a job group: convert its jobs one by one' });
  if (typeof job.run !== 'string') return m.skipped.push({ what, why: 'no run command' });
  let run: string = job.run.trim();
  if (/\{all_files\}/.test(run)) return m.skipped.push({ what, why: '{all_files} passes every tracked file even in a commit; heph gives a check the staged files — use {files} or no files' });
  if (job.files) return m.skipped.push({ what, why: `files: "${job.files}" picks files with its own command; heph selects with globs` });
  const uses = /\{(staged_files|push_files|files)\}/.test(run);
  run = run.replace(/\{(staged_files|push_files|files)\}/g, '{files}').replace(/\{1\}/g, '{msgfile}');
  if (/\{\w+\}/.test(run.replace(/\{files\}|\{msgfile\}/g, ''))) return m.skipped.push({ what, why: `a template heph has no equivalent for: ${/\{\w+\}/.exec(run.replace(/\{files\}|\{msgfile\}/g, ''))![0]}` });
  const files = globs(job.glob);
  const split = job.stage_fixed ? splitFixer(run) : { run };
  if ('note' in split && split.note) m.notes.push(split.note);
  if (job.exclude) m.notes.push(`${what}: exclude ${JSON.stringify(job.exclude)} not converted (heph excludes with "!glob" entries in files)`);
  if (job.root) m.notes.push(`${what}: root "${job.root}": set "cwd" (file paths stay relative to the repository root)`);
  const ignored = Object.keys(job).filter((k) => !HANDLED.has(k));
  if (ignored.length) m.notes.push(`${what}: ${ignored.join(', ')} not converted (heph has no such setting; tags: use "tags" and skipTags)`);
  if (job.env) m.notes.push(`${what}: env ${JSON.stringify(job.env)} not converted: set it in the command (with "shell": true)`);
  const shell = needsShell(split.run.replace(/\{files\}|\{msgfile\}/g, ''));
  addCheck(
    m,
    event,
    {
      name,
      run: split.run,
      ...(split.fix ? { fix: split.fix } : {}),
      ...(shell ? { shell: true } : {}),
      // A glob without {files} still decides whether the command runs, as in lefthook.
      ...(files ? { files } : uses ? { files: ['*'] } : {}),
    },
    what,
  );
}

export function migrateLefthook(root: string, m: Migration): boolean {
  const file = findLefthook(root);
  if (!file) return false;
  const config: Any = readData(root, file) ?? {};
  m.sources.push(file);
  for (const [event, hook] of Object.entries<Any>(config)) {
    if (NOT_HOOKS.has(event) || !hook || typeof hook !== 'object') continue;
    if (!(EVENTS as readonly string[]).includes(event)) {
      m.skipped.push({ what: `${file} ${event}`, why: skipEvent(event) });
      continue;
    }
    for (const [name, job] of Object.entries<Any>(hook.commands ?? {})) convertJob(m, event as Event, name, job ?? {}, file);
    (hook.jobs ?? []).forEach((job: Any, i: number) => convertJob(m, event as Event, job?.name ?? `job-${i + 1}`, job ?? {}, file));
    for (const name of Object.keys(hook.scripts ?? {})) m.skipped.push({ what: `${file} ${event} script ${name}`, why: `scripts live in .lefthook/${event}/; add a check that runs the file` });
  }
  if (config.extends || config.remotes) m.skipped.push({ what: `${file} extends/remotes`, why: 'shared lefthook configs: convert them, and share the result with heph\'s "extends"' });
  m.removal.push('npx lefthook uninstall (or lefthook uninstall), then delete ' + file + ' and remove lefthook from your dependencies');
  return true;
}
