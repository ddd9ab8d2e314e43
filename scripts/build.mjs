// Bundles the CLI into dist/ with esbuild. heph runs inside every `git commit`,
// so startup matters:
// - CommonJS output: Node starts a CommonJS entry ~3.5 ms faster than an ES module.
// - dist/cli.cjs is a tiny entry; dist/heph.cjs holds the commands; modules in
//   LAZY (the process library) are separate files loaded only when used.
// - sqlite3's native addon is required directly instead of through the
//   `bindings` path search, which costs ~10 ms per start.
// dist/index.mjs is the library API (ES module).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

rmSync('dist', { recursive: true, force: true });
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

/** lib modules loaded on demand, each bundled on its own: source → output file. */
const LAZY = {
  'lib/run/process.ts': 'process.cjs',
  'lib/run/spawn-win.ts': 'spawn-win.cjs',
  'lib/run/ask.ts': 'ask.cjs',
  // Built-in checks, and the YAML/TOML parsers only the yaml and toml built-ins need.
  'lib/builtins/index.ts': 'builtins.cjs',
  'lib/builtins/syntax.ts': 'builtins-syntax.cjs',
  // heph init --from (with the YAML parser).
  'lib/migrate/command.ts': 'migrate.cjs',
  // Webhook delivery, after a run's result is final.
  'lib/notify/deliver.ts': 'notify.cjs',
  // The shared-cache drivers, one bundle per engine: loading one bundle is ~6x faster than
  // resolving the drivers' hundreds of files in node_modules.
  'lib/state/remote-cache.ts': 'remote.cjs',
  'lib/state/remote-redis.ts': 'remote-redis.cjs',
  'lib/state/remote-postgres.ts': 'remote-postgres.cjs',
  // Commands a git hook never runs: kept out of the bundle every commit parses.
  'lib/commands/init.ts': 'init.cjs',
  'lib/commands/stats.ts': 'stats.cjs',
  'lib/commands/doctor.ts': 'doctor.cjs',
  'lib/commands/config.ts': 'config.cjs',
  'lib/commands/install.ts': 'install.cjs',
};
const ENTRY = { 'lib/main.ts': 'heph.cjs' };
// The git reads a run starts before the CLI bundle loads: their own file, so the entry point stays small
// for a replayed commit (lib/replay/verify.ts), which loads neither. The CLI bundle keeps its own copy.
const EARLY = { 'lib/run/early.ts': 'early.cjs' };

const sqliteBinding = {
  name: 'sqlite3-binding',
  setup(b) {
    b.onLoad({ filter: /sqlite3[\\/]lib[\\/]sqlite3-binding\.js$/ }, () => ({
      loader: 'js',
      contents: `
        const { basename, dirname, join } = require('node:path');
        const { existsSync } = require('node:fs');
        // The addon is found next to wherever npm installed sqlite3. Where npm puts it (heph's own
        // node_modules, else the node_modules heph sits in) is looked at first, in the order the
        // resolver would: asking the resolver costs ~1 ms of every start.
        // (The library's ES module has no __dirname: it asks the resolver.)
        const here = typeof __dirname === 'string' ? __dirname : null;
        const own = here && join(here, '..', 'node_modules', 'sqlite3');
        const beside = here && basename(join(here, '..', '..')) === 'node_modules' ? join(here, '..', '..', 'sqlite3') : null;
        const pkg = [own, beside].find((d) => d && existsSync(join(d, 'package.json'))) ?? dirname(require.resolve('sqlite3/package.json'));
        module.exports = require(join(pkg, 'build', 'Release', 'node_sqlite3.node'));
      `,
    }));
  },
};

/** Imports of other bundles stay imports of their output files. */
const splitAt = (own) => ({
  name: 'split',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (!args.importer.includes('/lib/')) return undefined;
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const rel = 'lib/' + target.split('/lib/')[1];
      const out = LAZY[rel] ?? ENTRY[rel] ?? (own === 'lib/cli.ts' ? EARLY[rel] : undefined);
      if (!out || rel === own) return undefined;
      return { path: `./${out}`, external: true };
    });
  },
});

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  define: { __HEPH_VERSION__: JSON.stringify(version), __HEPH_BUNDLED__: 'true' },
  // The shared-cache drivers load from node_modules, only when a remote is configured.
  external: ['sqlite3/package.json', 'pg-native', 'cloudflare:sockets'],
  legalComments: 'none',
  logLevel: 'warning',
  // version.ts reads package.json through import.meta only when not bundled.
  logOverride: { 'empty-import-meta': 'silent' },
};

// The entry point carries the bundles' content digests (the V8 code caches' keys) and the build's, filled in below.
const SLOTS = { __HEPH_BUNDLE_DIGEST__: 'HEPH_BUNDLE_DIGEST_SLOT', __HEPH_EARLY_DIGEST__: 'HEPH_EARLY_DIGEST_SLOT', __HEPH_BUILD_DIGEST__: 'HEPH_BUILD_DIGEST_SLOT' };
const cjs = (entry, outfile) =>
  build({ ...common, entryPoints: [entry], outfile, format: 'cjs', plugins: [splitAt(entry), sqliteBinding],
    define: { ...common.define, ...(entry === 'lib/cli.ts' ? Object.fromEntries(Object.entries(SLOTS).map(([k, v]) => [k, JSON.stringify(v)])) : {}) } });

await Promise.all([
  cjs('lib/cli.ts', 'dist/cli.cjs'),
  ...Object.entries({ ...ENTRY, ...LAZY, ...EARLY }).map(([src, out]) => cjs(src, `dist/${out}`)),
  build({ ...common, entryPoints: ['lib/index.ts'], outfile: 'dist/index.mjs', format: 'esm', plugins: [sqliteBinding], external: [...common.external, '@keyv/redis', '@keyv/postgres'], define: { ...common.define, __HEPH_BUNDLED__: 'undefined' },
    banner: { js: "import { createRequire as __hephCreateRequire } from 'node:module'; const require = __hephCreateRequire(import.meta.url);" } }),
]);
// Dynamic imports left in the CommonJS bundles (lazy bundles, node builtins)
// become require calls: the CLI bundle may be loaded from the code cache, where
// import() has no loader to resolve with.
for (const file of ['dist/cli.cjs', ...Object.values({ ...ENTRY, ...LAZY, ...EARLY }).map((f) => `dist/${f}`)]) {
  const text = readFileSync(file, 'utf8').replace(/\bimport\((["'][^"']+["'])\)/g, 'Promise.resolve().then(() => require($1))');
  writeFileSync(file, text);
}
const sha = (...texts) => texts.reduce((h, t) => h.update(t), createHash('sha256')).digest('hex');
let entry = readFileSync('dist/cli.cjs', 'utf8');
const digests = {
  __HEPH_BUNDLE_DIGEST__: sha(readFileSync('dist/heph.cjs')),
  __HEPH_EARLY_DIGEST__: sha(readFileSync('dist/early.cjs')),
  __HEPH_BUILD_DIGEST__: sha(readFileSync('dist/heph.cjs'), readFileSync('dist/early.cjs'), entry),
};
for (const [name, slot] of Object.entries(SLOTS)) {
  if (entry.split(slot).length !== 2) throw new Error(`dist/cli.cjs: expected one ${name} slot`);
  entry = entry.replace(slot, digests[name]);
}
writeFileSync('dist/cli.cjs', entry);
chmodSync('dist/cli.cjs', 0o755);
console.log(`built ${basename(process.cwd())} ${version}: dist/cli.cjs, dist/heph.cjs, ${Object.values(LAZY).map((f) => 'dist/' + f).join(', ')}, dist/index.mjs`);
