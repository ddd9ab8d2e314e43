/** Reading other tools' configuration files: JSON, YAML, or a JS module's export. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HephError } from '../errors.js';
import type { Any } from './files.js';

export { firstExisting, packageJson, readText, type Any } from './files.js';

/** A config file's data by its extension; a file without one is YAML (which JSON is a subset of). */
export function readData(root: string, rel: string): Any {
  const abs = join(root, rel);
  try {
    if (/\.(c?js|mjs)$/.test(rel)) {
      const mod = createRequire(abs)(abs);
      return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
    }
    const text = readFileSync(abs, 'utf8');
    return /\.json$/.test(rel) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new HephError('config', `cannot read ${rel}: ${(e as Error).message.split('\n')[0]}`, 'fix the file, or convert by hand');
  }
}
