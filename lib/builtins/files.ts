/** Built-ins about files themselves: size, names, symlinks, modes, macOS leftovers. */
import { lstatSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { option, type Builtin } from './types.js';
import { fsPath } from '../git/bytes.js';
import { git, splitZ } from '../git/exec.js';

/** Files over `--max-kb` (default 500 KiB). */
export const largeFiles: Builtin = (files, ctx) => {
  const raw = option(ctx.args, 'max-kb');
  const maxKb = raw === undefined ? 500 : Number(raw);
  if (!Number.isFinite(maxKb) || maxKb < 0) return { problems: [`heph:large-files: --max-kb must be a number of KiB, found ${JSON.stringify(raw)}`] };
  const problems: string[] = [];
  for (const path of files) {
    try {
      const st = lstatSync(fsPath(join(ctx.root, path)));
      if (st.isFile() && st.size > maxKb * 1024) problems.push(`${path}: ${Math.ceil(st.size / 1024)} KiB, over ${maxKb} KiB`);
    } catch {
      /* gone */
    }
  }
  return { problems };
};

/**
 * Names that differ only in case clash on macOS and Windows: each given path
 * (and each of its folders) against every tracked path.
 */
export const caseConflict: Builtin = async (files, ctx) => {
  const tracked = splitZ((await git(['ls-files', '-z'], { cwd: ctx.root })).stdout);
  const withDirs = (paths: string[]) => {
    const out = new Set<string>();
    for (const p of paths) for (let i = p.indexOf('/'); ; i = p.indexOf('/', i + 1)) {
      out.add(i < 0 ? p : p.slice(0, i));
      if (i < 0) break;
    }
    return out;
  };
  const byLower = new Map<string, Set<string>>();
  for (const p of withDirs([...tracked, ...files])) {
    const k = p.toLowerCase();
    byLower.set(k, (byLower.get(k) ?? new Set()).add(p));
  }
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const p of withDirs(files)) {
    const same = byLower.get(p.toLowerCase())!;
    if (same.size > 1 && !reported.has(p.toLowerCase())) {
      reported.add(p.toLowerCase());
      problems.push(`${[...same].sort().join(', ')}: names differ only in case`);
    }
  }
  return { problems };
};

export const brokenSymlinks: Builtin = (files, ctx) => {
  const problems: string[] = [];
  for (const path of files) {
    const abs = fsPath(join(ctx.root, path));
    try {
      if (!lstatSync(abs).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    try {
      statSync(abs);
    } catch {
      problems.push(`${path}: symlink to a missing target`);
    }
  }
  return { problems };
};

/** An executable file starts with `#!` (else the kernel cannot run it). */
export const shebang: Builtin = (files, ctx) => {
  const problems: string[] = [];
  const head = Buffer.alloc(2);
  for (const path of files) {
    const abs = fsPath(join(ctx.root, path));
    try {
      const st = lstatSync(abs);
      if (!st.isFile() || (st.mode & 0o111) === 0) continue;
      const fd = openSync(abs, 'r');
      const n = readSync(fd, head, 0, 2, 0);
      closeSync(fd);
      if (n < 2 || head.toString('latin1') !== '#!') problems.push(`${path}: executable without a shebang (#!) line; add one, or: git update-index --chmod=-x -- ${path}`);
    } catch {
      /* gone */
    }
  }
  return { problems };
};

/** AppleDouble (`._*`) and `.DS_Store` files: a macOS copy leaking into the repository. */
export const macosCruft: Builtin = (files) => {
  const problems = files
    .filter((p) => basename(p).startsWith('._') || basename(p) === '.DS_Store')
    .map((p) => `${p}: macOS metadata file; drop it with git rm --cached -- ${p} and add it to .gitignore`);
  return { problems };
};
