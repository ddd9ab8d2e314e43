#!/usr/bin/env node
/**
 * heph's entry point, kept tiny: heph starts on every commit. It answers
 * --version on its own, starts the git snapshot a run will need (so git works
 * while the rest loads), then loads the CLI bundle.
 */
import module from 'node:module';
import { VERSION } from './version.js';
import { requireCached } from './compile-cache.js';
import { debug } from './debug.js';
import { isReplayable, replayCommit } from './replay/verify.js';
import type { main as Main } from './main.js';
import type * as Early from './run/early.js';

// The bundles' content digests, written in by the build: the code caches' keys, and (all three files) the build a replay record is for.
declare const __HEPH_BUNDLE_DIGEST__: string | undefined;
declare const __HEPH_EARLY_DIGEST__: string | undefined;
declare const __HEPH_BUILD_DIGEST__: string | undefined;
const bundleDigest = typeof __HEPH_BUNDLE_DIGEST__ === 'string' ? __HEPH_BUNDLE_DIGEST__ : '';
const earlyDigest = typeof __HEPH_EARLY_DIGEST__ === 'string' ? __HEPH_EARLY_DIGEST__ : '';
const build = typeof __HEPH_BUILD_DIGEST__ === 'string' ? `${VERSION}:${__HEPH_BUILD_DIGEST__}` : '';

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
} else if (build && isReplayable(argv)) {
  (globalThis as Record<symbol, unknown>)[Symbol.for('heph.build')] = build;
  // A cached commit whose inputs did not change is printed again without loading the rest (replay/verify.ts).
  replayCommit(argv, build).then(
    (done) => (done ? undefined : start()),
    () => start(),
  );
} else {
  start();
}

/** The run itself: git's reads start, then the CLI bundle loads while git works. */
function start(): void {
  const { startEarlySnapshot } = (nativeCache ? require('./run/early.js') : requireCached(`${__dirname}/early.cjs`, earlyDigest)) as typeof Early;
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
