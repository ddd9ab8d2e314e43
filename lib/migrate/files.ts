/** Finding other tools' configuration files; light enough for `heph init` to load on every run. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HephError } from '../errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- other tools' config */
export type Any = any;

export function readText(root: string, rel: string): string | null {
  const p = join(root, rel);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

export function packageJson(root: string): Any {
  const text = readText(root, 'package.json');
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HephError('config', `package.json is not valid JSON: ${(e as Error).message}`);
  }
}

/** The first of `names` that exists. */
export const firstExisting = (root: string, names: string[]) => names.find((n) => existsSync(join(root, n))) ?? null;
