// Bundles the CLI into dist/ with esbuild. heph runs inside every `git commit`,
// so startup matters: one ESM entry, code-split chunks for commands that are
// loaded only when used, and sqlite3's native binding loaded directly instead of
// through the `bindings` path search (which costs ~10 ms per start).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

/** Replace sqlite3's `bindings` lookup with a direct require of the built addon. */
const sqliteBinding = {
  name: 'sqlite3-binding',
  setup(b) {
    b.onLoad({ filter: /sqlite3[\\/]lib[\\/]sqlite3-binding\.js$/ }, () => ({
      loader: 'js',
      contents: `
        const { dirname, join } = require('node:path');
        // The addon is found next to wherever npm installed sqlite3.
        const pkg = require.resolve('sqlite3/package.json');
        module.exports = require(join(dirname(pkg), 'build', 'Release', 'node_sqlite3.node'));
      `,
    }));
  },
};

await build({
  entryPoints: { cli: 'lib/cli.ts', index: 'lib/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [sqliteBinding],
  banner: {
    js: "import { createRequire as __hephCreateRequire } from 'node:module'; const require = __hephCreateRequire(import.meta.url);",
  },
  define: { __HEPH_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/cli.mjs', 0o755);
