/** Command table and the one place outcomes become exit codes. */
import { cac } from 'cac';
import { EXIT, exitCodeFor, HephError } from './errors.js';
import { createOutput, type Output } from './report/output.js';
import { VERSION } from './version.js';

type Action = (out: Output) => Promise<number>;

function runFlags(cmd: ReturnType<ReturnType<typeof cac>['command']>) {
  return cmd
    .option('--fast', 'Reuse results whose fingerprint is unchanged and whose TTL has not expired (HEPH_FAST=1)')
    .option('--skip-tests', 'Skip checks tagged "test" (HEPH_SKIP_TESTS=1)')
    .option('--dry-run', 'Print the plan and why; run and change nothing (HEPH_DRY_RUN=1)')
    .option('--interactive', 'Ask before each automatic fix (HEPH_INTERACTIVE=1)')
    .option('--no-fix', 'Never run fix commands (HEPH_AUTO_FIX=0)')
    .option('--json', 'Print the machine-readable report on stdout')
    .option('--phase <name>', 'Only this phase (repeatable)')
    .option('--only <check>', 'Only this check, `name`, `phase/name` or `member/phase/name` (repeatable)')
    .option('--project <name>', 'Only the checks of this member (a directory with its own .heph.json; "." = the root config), repeatable')
    .option('--all', 'From inside a member: run the whole repository, not just that member')
    .option('--concurrency <n>', 'Checks run at once inside a phase (HEPH_CONCURRENCY; default: CPU count)')
    .option('--summary <file>', 'Write the run summary (JSON) to FILE, or into FILE/ when it is a folder (HEPH_SUMMARY)');
}

/**
 * What the command table would make of `hook run <event> [args]` without an
 * option, the line every installed hook runs, so a commit does not build the
 * table (~1 ms); null for anything else. Its result equals cac's: the tests
 * compare them.
 */
export function plainHookRun(argv: string[]): { event: string; args: string[]; flags: { '--': string[]; fix: boolean } } | null {
  if (argv.length < 3 || argv[0] !== 'hook' || argv[1] !== 'run' || argv.some((a) => a.startsWith('-'))) return null;
  return { event: argv[2], args: argv.slice(3), flags: { '--': [], fix: true } };
}

export async function main(argv: string[]): Promise<number> {
  const hook = plainHookRun(argv);
  if (hook) {
    const out = createOutput();
    try {
      return await (await import('./commands/hook.js')).hookCommand('run', hook.event, hook.args, hook.flags, out);
    } catch (err) {
      out.error(err);
      return exitCodeFor(err);
    }
  }
  return fromTable(argv);
}

/** The command table: each command's action hands `setAction` what to run. */
export function commandTable(setAction: (a: Action) => void) {
  const cli = cac('heph');

  runFlags(cli.command('run', 'Run every phase from .heph.json, in order, on the whole repository')).action((flags) => {
    setAction(async (out) => (await import('./commands/run.js')).runCommand(flags, out));
  });
  runFlags(cli.command('hook <action> <event> [...args]', 'Run what a git event needs (what installed hooks call): heph hook run <event> [args]')).action(
    (act: string, event: string, args: string[], flags) => {
      setAction(async (out) => (await import('./commands/hook.js')).hookCommand(act, event, args, flags, out));
    },
  );
  cli
    .command('install', 'Install git hook shims for every event in .heph.json "hooks"')
    .option('--force', 'Install even when core.hooksPath is set globally or by another tool')
    .option('--into <manager>', 'Add heph to the hooks of husky or simple-git-hooks instead of installing its own')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/install.js')).installCommand(flags, out));
    });
  cli.command('uninstall', 'Remove heph hook shims and restore the hooks that were there before').action(() => {
    setAction(async (out) => (await import('./commands/install.js')).uninstallCommand(out));
  });
  cli
    .command('init', 'Write a starter .heph.json for this repository')
    .option('--preset <name>', 'python, node, or python,node for both (default: detected)')
    .option('--from <tool>', 'Convert pre-commit, lefthook, lint-staged, husky or simple-git-hooks configuration')
    .option('--extends', 'Write a file that extends the built-in set (heph:python, heph:node) instead of copying its checks')
    .option('--missing <choice>', 'A check whose tool is not installed: keep, skip, or installed (an installed alternative, else skip); default: ask on a terminal, else skip')
    .option('--force', 'Overwrite an existing .heph.json')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/init.js')).initCommand(flags, out));
    });
  cli
    .command('config', 'heph config --resolved: the configuration after "extends", with where each check came from')
    .option('--resolved', 'Print the merged configuration')
    .option('--json', 'Machine-readable output')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/config.js')).configCommand(flags, out));
    });
  cli
    .command('status', 'Each check: last result, when, and whether it would run now and why')
    .option('--json', 'Machine-readable output')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/status.js')).statusCommand(flags, out));
    });
  cli.command('cache <action> [...checks]', 'cache clear [CHECK...]: forget stored results (all, or the named checks)').action((act: string, checks: string[]) => {
    setAction(async (out) => (await import('./commands/cache.js')).cacheCommand(act, checks, out));
  });
  cli
    .command('logs', 'Print the newest run log')
    .option('--list', 'List the kept logs instead')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/logs.js')).logsCommand(flags, out));
    });
  cli
    .command('stats', 'Per-check history: runs, cache hits, time spent and saved, slowest checks')
    .option('--json', 'Machine-readable output')
    .option('--html <file>', 'Also write an HTML report to FILE')
    .action((flags) => {
      setAction(async (out) => (await import('./commands/stats.js')).statsCommand(flags, out));
    });
  cli.command('doctor', 'Report environment problems (git, hooks, config, state store, lock, disk, tools)').action(() => {
    setAction(async (out) => (await import('./commands/doctor.js')).doctorCommand(out));
  });
  cli.command('rollback', "Restore the working tree to how it was before the last run's automatic fixes").action(() => {
    setAction(async (out) => (await import('./commands/rollback.js')).rollbackCommand(out));
  });
  cli.help();
  cli.version(VERSION);
  return cli;
}

/** Commands parsed with the command table. */
async function fromTable(argv: string[]): Promise<number> {
  let action: Action | null = null;
  let json = argv.includes('--json');
  const cli = commandTable((a) => (action = a));

  let out = createOutput({ json });
  try {
    cli.parse(['node', 'heph', ...argv], { run: false });
    if (cli.options.help || cli.options.version) return EXIT.ok;
    if (!cli.matchedCommand) {
      const name = cli.args[0];
      throw new HephError('usage', name ? `unknown command "${name}"` : 'no command given', 'run `heph --help` for the list of commands');
    }
    await cli.runMatchedCommand();
    json = !!cli.options.json;
    out = createOutput({ json });
    return action ? await (action as Action)(out) : EXIT.ok;
  } catch (err) {
    if (err instanceof Error && err.name === 'CACError') {
      out.error(new HephError('usage', err.message, 'run `heph --help` for usage'));
      return EXIT.usage;
    }
    out.error(err);
    return exitCodeFor(err);
  }
}
