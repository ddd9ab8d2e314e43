#!/usr/bin/env node
/**
 * heph's command line: cac wiring only. Each command's body lives in
 * commands/ and is imported when that command runs, so `heph --version` and
 * a cached hook load as little as possible.
 */
import module from 'node:module';
import { VERSION } from './version.js';

// Node 22+: keep compiled code between runs (heph starts on every commit).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`heph/${VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
