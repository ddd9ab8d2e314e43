/**
 * Members: directories below the repository root with their own `.heph.json`.
 * They are found through git (tracked, or untracked and not ignored), never by
 * walking the disk, and folded into the root config: each member check keeps
 * its phase, is addressed as `member/phase/name`, runs in the member's
 * directory, and its globs are moved from member-relative to root-relative.
 */
import { realpathSync, readFileSync } from 'node:fs';
import { join, relative, sep, isAbsolute } from 'node:path';
import { git, splitZ } from '../git/exec.js';
import { HephError } from '../errors.js';
import { formatProblems, parseJson } from './load.js';
import { loadLayered } from './layered.js';
import { resolveConfig } from './resolve.js';
import { validateConfig } from './validate.js';
import { placeOf } from './merge.js';
import { insideMember, literalGlob, rebaseCwd, rebaseGlob } from './rebase.js';
import type { Member, ResolvedCheck, ResolvedConfig, ResolvedPhase } from './types.js';
import { CONFIG_NAME, memberDirs } from './member-dirs.js';

export { CONFIG_NAME, memberDirs };

/** The members of the repository: tracked, or untracked and not ignored. */
export async function discoverMembers(root: string): Promise<string[]> {
  const res = await git(['-c', 'core.quotePath=false', 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', `:(glob)**/${CONFIG_NAME}`], {
    cwd: root,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return memberDirs(splitZ(res.stdout));
}

const bad = (msg: string, hint: string) => new HephError('config', msg, hint);

/** The real path of a member's config, refused when it (or its directory, through a symlink) lies outside the repository. */
function realInside(root: string, file: string, realRoot: string): string | null {
  let real: string;
  try {
    // The native call: one system call per member, where the JavaScript one looks at each directory on the way.
    real = realpathSync.native(join(root, file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw bad(`cannot read ${file}: ${(e as Error).message}`, 'remove the file from the index or restore it');
  }
  const rel = relative(realRoot, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw bad(`${file} is outside the repository (it resolves to ${real})`, 'a member config must be a file inside the repository, not reached through a symbolic link leaving it');
  if (rel.split(sep).join('/') !== file) throw bad(`${file} resolves to ${rel.split(sep).join('/')} through a symbolic link`, 'a member config must be a regular file in its own directory');
  return real;
}

interface Loaded {
  member: Member;
  config: ResolvedConfig;
}

/**
 * Null when the member's config is deleted in the working tree (the member is going away).
 * `staged` holds the text of member configs a commit records in another version than the working copy's.
 */
function loadMember(root: string, realRoot: string, dir: string, nested: string[], staged?: ReadonlyMap<string, string>): Loaded | null {
  const file = `${dir}/${CONFIG_NAME}`;
  let text = staged?.get(file);
  if (text === undefined) {
    const real = realInside(root, file, realRoot);
    if (real === null) return null;
    text = readFileSync(real, 'utf8');
  }
  const raw = parseJson(text, file) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(`${file}: expected a JSON object`, 'a member config is a .heph.json like the root one');
  if ('settings' in raw) throw bad(`${file}: "settings" are shared by the whole repository`, `move them to the root ${CONFIG_NAME}`);
  const layered = 'extends' in raw;
  const problems = validateConfig(raw, { partial: layered });
  if (problems.length) throw bad(formatProblems(file, problems), 'the JSON Schema (schema.json in the heph package) gives editors completion and inline errors');
  const config = layered ? loadLayered(raw, join(root, file), parseJson, root) : resolveConfig(raw, join(root, file));
  const name = typeof raw.name === 'string' ? raw.name : dir;
  const exclude = nested.map((n) => `!${literalGlob(n)}/**`);
  const outside = new Set<string>();
  const move = (globs: string[] | null, what: string, id: string): string[] | null => {
    if (!globs) return null;
    const out = globs.map((g) => {
      const r = rebaseGlob(dir, g);
      if (r === null) throw bad(`${file}: ${id}.${what} "${g}" leaves the repository`, 'write paths outside the member relative to it ("../../package-lock.json") or from the root ("/package-lock.json")');
      if (what === 'inputs' && !insideMember(dir, r) && !r.startsWith('!')) outside.add(r);
      return r;
    });
    return [...out, ...exclude];
  };
  for (const phase of config.phases) {
    phase.checks = phase.checks.map((c): ResolvedCheck => {
      const cwd = rebaseCwd(dir, c.cwd);
      if (cwd === null) throw bad(`${file}: ${c.id}.cwd "${c.cwd}" leaves the repository`, 'a cwd is relative to the member');
      const files = move(c.files, 'files', c.id);
      const inputs = c.inputs ? move(c.inputs, 'inputs', c.id) : [`${literalGlob(dir)}/**`, ...exclude];
      return { ...c, id: `${name}/${c.id}`, member: name, cwd, files, inputs };
    });
  }
  const member: Member = { name, dir, file, scope: [`${literalGlob(dir)}/**`, ...outside, ...exclude], hooks: 'hooks' in raw ? config.hooks : null, layers: config.sources?.layers ?? [], ...(config.sources ? { origins: config.sources.origins } : {}) };
  return { member, config };
}

/**
 * Folds the members' checks into the root config; exit 2 for duplicate names or a config outside the repository.
 * `staged`: member config texts to use instead of the working copy's (a commit is checked by what it records).
 */
export function withMembers(root: string, config: ResolvedConfig, found: string[], staged?: ReadonlyMap<string, string>): ResolvedConfig {
  if (!found.length) return config;
  const realRoot = realpathSync.native(root);
  const loaded = found.map((d) => loadMember(root, realRoot, d, found.filter((o) => o.startsWith(`${d}/`)), staged)).filter((l): l is Loaded => l !== null);
  const dirs = loaded.map((l) => l.member.dir);
  const byName = new Map<string, string>();
  for (const { member } of loaded) {
    const prev = byName.get(member.name);
    if (prev) throw bad(`two members are named "${member.name}": ${prev} and ${member.file}`, 'give one of them another "name" (or remove "name" to use its directory)');
    byName.set(member.name, member.file);
  }
  const phases: ResolvedPhase[] = config.phases.map((p) => ({ name: p.name, checks: p.checks.map((c) => (c.files ? { ...c, files: [...c.files, ...dirs.map((d) => `!${literalGlob(d)}/**`)] } : c)) }));
  for (const { config: mc } of loaded) {
    const names = mc.phases.map((p) => p.name);
    for (const p of mc.phases) {
      let target = phases.find((x) => x.name === p.name);
      if (!target) {
        const order = phases.map((x) => x.name);
        target = { name: p.name, checks: [] };
        phases.splice(placeOf(p.name, names, order), 0, target);
      }
      target.checks.push(...p.checks);
    }
  }
  return { ...config, phases, members: loaded.map((l) => l.member) };
}
