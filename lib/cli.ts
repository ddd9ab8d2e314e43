#!/usr/bin/env node
/**
 * heph's command line: cac wiring only. Each command's body lives in
 * commands/ and is imported when that command runs, so `heph --version` and
 * a cached hook load as little as possible.
 */
import module from 'node:module';
import { VERSION } from './version.js';
import { startEarlySnapshot } from './run/early.js';

// Node 22+: keep compiled code between runs (heph starts on every commit).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`heph/${VERSION}\n`);
} else {
  const help = argv.includes('--help') || argv.includes('-h');
  if (!help && argv[0] === 'run') startEarlySnapshot('worktree');
  else if (!help && argv[0] === 'hook' && argv[1] === 'run') startEarlySnapshot(argv[2] === 'pre-commit' ? 'index' : 'worktree');
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
