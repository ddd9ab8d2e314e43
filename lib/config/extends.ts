/**
 * `extends`: finding and reading the sets a config builds on. An entry is
 * - `heph:<set>`: a set built into heph (sets.ts);
 * - `./file.json`, `../x.json`, `/abs.json`: a file, relative to the file that names it;
 * - anything else: an npm package (or a file inside one), resolved like a Node
 *   import from the file that names it, so the project's lockfile pins it.
 * A package may point at a JSON file or a module exporting the same object.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { observeReal } from '../replay/observe.js';
import { HephError } from '../errors.js';
import { VERSION } from '../version.js';
import { builtinSet, BUILTIN_SETS } from './sets.js';
import type { ConfigProblem } from './types.js';
import { readRegularFile } from './read.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- validated by the caller */
type Raw = any;

export interface Source {
  /** Shown to users and part of each check's fingerprint: `ci/base.json`, `@acme/checks@1.2.0`, `heph:python@0.2.0`. */
  label: string;
  /** The file read (`heph:<set>` for a built-in set): how cycles are found. */
  file: string;
  raw: Raw;
}

const isPath = (entry: string) => entry.startsWith('./') || entry.startsWith('../') || isAbsolute(entry) || entry === '.' || entry === '..';

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(entry: string): string {
  const parts = entry.split('/');
  return entry.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export const shownPath = (root: string, file: string) => {
  const rel = relative(root, file);
  if (rel === '') return '.';
  return (!rel.startsWith('..') && !isAbsolute(rel) ? rel : file).split(sep).join('/');
};

/**
 * The installed package a file belongs to (the nearest package.json with a
 * name, walking up), as `name@version` and the file's path inside it; null
 * outside node_modules. A file a package extends is labelled with the
 * package's version, so upgrading the package changes it too.
 */
function packageOf(file: string, name?: string): { id: string; sub: string } | null {
  if (!name && !file.split(sep).includes('node_modules')) return null;
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name && (!name || pkg.name === name)) return { id: `${pkg.name}@${pkg.version ?? '0.0.0'}`, sub: relative(dir, file).split(sep).join('/') };
    } catch {
      /* no package.json here */
    }
  }
  return null;
}

/**
 * During a commit: the staged text of a repository file an `extends` chain names, when its working
 * copy differs (undefined: read the file). A commit is checked by the config it records.
 */
let stagedText: ((file: string) => string | undefined) | null = null;
export function readExtendsFrom(reader: ((file: string) => string | undefined) | null): void {
  stagedText = reader;
}

/** A JSON file's object, or a module's export (`default` for an ES module); errors say which file. */
export function readSetFile(file: string, parse: (text: string, file: string) => Raw): Raw {
  if (/\.json$/i.test(file)) {
    let text: string;
    try {
      text = stagedText?.(file) ?? readRegularFile(file); // never a device, a FIFO or a huge file
    } catch (e) {
      throw new Error(/ENOENT/.test((e as Error).message) ? `no such file` : (e as Error).message);
    }
    return parse(text, file);
  }
  let mod: Raw;
  try {
    readRegularFile(file); // a device or FIFO behind a symlink would stall `require`
    mod = createRequire(file)(file);
  } catch (e) {
    throw new Error(`loading it failed: ${(e as Error).message.split('\n')[0]}`);
  }
  // An ES module's default export, or a CommonJS module's exports.
  return mod && typeof mod === 'object' && mod.default && typeof mod.default === 'object' ? mod.default : mod;
}

/** Finds and reads one `extends` entry named in `from` (a file path). */
export function resolveEntry(entry: string, from: string, root: string, parse: (text: string, file: string) => Raw): Source {
  if (entry.startsWith('heph:')) {
    const name = entry.slice(5);
    if (!BUILTIN_SETS.includes(name)) throw new Error(`heph has no built-in set "${name}" (sets: ${BUILTIN_SETS.map((s) => 'heph:' + s).join(', ')})`);
    return { label: `heph:${name}@${VERSION}`, file: entry, raw: builtinSet(name, root) };
  }
  if (isPath(entry)) {
    let file = resolve(dirname(from), entry);
    // A replay must see a symlink on the way retargeted: the file it led to keeps its identity.
    observeReal(file);
    try {
      // One identity per file, however it is reached (symlinks), so a cycle cannot hide.
      file = realpathSync(file);
    } catch {
      /* reported as "no such file" below */
    }
    const pkg = packageOf(file);
    try {
      return { label: pkg ? `${pkg.id}/${pkg.sub}` : shownPath(root, file), file, raw: readSetFile(file, parse) };
    } catch (e) {
      if (e instanceof HephError) throw e;
      throw new Error(`${shownPath(root, file)}: ${(e as Error).message}`);
    }
  }
  const name = packageName(entry);
  let file: string;
  try {
    file = createRequire(from).resolve(entry);
  } catch {
    throw new Error(`cannot find the package "${entry}" from ${shownPath(root, dirname(from))} (install it: npm install --save-dev ${name})`);
  }
  const id = packageOf(file, name)?.id ?? `${name}@unknown`;
  try {
    return { label: `${id}${entry.slice(name.length)}`, file, raw: readSetFile(file, parse) };
  } catch (e) {
    if (e instanceof HephError) throw e;
    throw new Error(`${entry} (${shownPath(root, file)}): ${(e as Error).message}`);
  }
}

/** The error for a problem found somewhere along an `extends` chain: exit 2, with the chain of files. */
export function chainError(chain: string[], message: string, problems?: ConfigProblem[]): HephError {
  const lines = problems?.map((p) => `  - ${p.path || '(top level)'}: expected ${p.expected}, found ${p.found}${p.hint ? ` (${p.hint})` : ''}`) ?? [];
  return new HephError('config', [`${message}`, ...lines, `  extends chain: ${chain.join(' → ')}`].join('\n'), 'fix or remove the entry of "extends" that leads there; `heph config --resolved` shows the merged result once it loads');
}
