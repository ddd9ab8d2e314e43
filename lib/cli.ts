#!/usr/bin/env node
/**
 * heph's entry point, kept tiny: heph starts on every commit. It answers
 * --version on its own, starts the git snapshot a run will need (so git works
 * while the rest loads), then loads the CLI bundle.
 */
import module from 'node:module';
import { VERSION } from './version.js';
import { startEarlySnapshot } from './run/early.js';
import { requireCached } from './compile-cache.js';
import { debug } from './debug.js';
import type { main as Main } from './main.js';

// The CLI bundle's content digest, written in by the build: the code cache's key.
declare const __HEPH_BUNDLE_DIGEST__: string | undefined;
const bundleDigest = typeof __HEPH_BUNDLE_DIGEST__ === 'string' ? __HEPH_BUNDLE_DIGEST__ : '';

// Keep compiled code between runs: Node 22+ natively, Node 20 through our loader.
const nativeCache = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
nativeCache?.();

// A reader that goes away (`heph status | head -1`, a closed terminal) ends the output, not the
// run: heph carries on, so whatever it was doing (restoring unstaged work, recording results)
// still finishes. Without a listener, the broken pipe would end the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

const mark = debug('time');
mark('entry point started');
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`heph/${VERSION}\n`);
} else {
  const help = argv.includes('--help') || argv.includes('-h');
  if (!help && argv[0] === 'run') startEarlySnapshot('worktree');
  else if (!help && argv[0] === 'hook' && argv[1] === 'run') {
    const commit = argv[2] === 'pre-commit' || argv[2] === 'commit-msg';
    startEarlySnapshot(commit ? 'index' : 'worktree', commit);
  }
  mark('git reads started');
  const { main } = (nativeCache ? require('./main.js') : requireCached(`${__dirname}/heph.cjs`, bundleDigest)) as { main: typeof Main };
  mark('bundle loaded');
  main(argv).then((code) => {
    process.exitCode = code;
  });
}
