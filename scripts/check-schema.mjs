// Writes schema.json from the config description (`--write`), or checks that the
// committed file is current (the default; exits 1 when it is stale).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const built = resolve(root, 'build/lib/config/json-schema.js');
execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.json')], { stdio: 'inherit' });
const { renderSchemaFile } = await import(built);
const file = resolve(root, 'schema.json');
const want = renderSchemaFile();
if (process.argv.includes('--write')) {
  writeFileSync(file, want);
  console.log('wrote schema.json');
} else if (!existsSync(file) || readFileSync(file, 'utf8') !== want) {
  console.error('schema.json is stale: run `node scripts/check-schema.mjs --write`');
  process.exit(1);
} else console.log('schema.json is current');
