/**
 * The config a commit is checked by: the staged `.heph.json`. An unstaged edit
 * of it (a check turned off to try something) must not decide what runs on a
 * commit that records the other version: that would be a pass for checks that
 * never ran on what is committed.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { CONFIG_NAME, configPath, type Context } from './context.js';
import { parseConfigText } from '../config/load.js';
import { git, gitSync } from '../git/exec.js';
import type { ResolvedConfig } from '../config/types.js';
import { algoOf, blobId, type Snapshot } from '../git/snapshot.js';
import type { Output } from '../report/output.js';
import { withMembers } from '../config/members.js';
import { observeFile } from '../replay/observe.js';

/**
 * Puts the staged config in place for a commit: the root file and each member's
 * file as staged.
 */
export async function useStagedConfig(ctx: Context, snapshot: Snapshot | Promise<Snapshot>, out: Output): Promise<void> {
  const snap = await snapshot;
  // Files an `extends` chain names in the repository are read as staged too.
  const { readExtendsFrom } = await import('../config/extends.js');
  readExtendsFrom(stagedReader(ctx.repo.root, snap, out));
  let staged = await stagedConfig({ ...ctx, config: ctx.rootConfig }, snapshot, out);
  if (staged === ctx.rootConfig && ctx.rootConfig.sources) {
    try {
      const again = parseConfigText(readFileSync(configPath(ctx.repo)).toString('utf8'), configPath(ctx.repo));
      if (JSON.stringify(again.phases) !== JSON.stringify(ctx.rootConfig.phases) || JSON.stringify(again.hooks) !== JSON.stringify(ctx.rootConfig.hooks)) staged = again;
    } catch (err) {
      out.warn(`a file ${CONFIG_NAME} extends is not valid as staged (${(err as Error).message.split('\n')[0]}): this commit is checked by the working copy's`);
    }
  }
  const dirs = await ctx.memberDirs;
  const members = await stagedMembers(ctx.repo.root, await snapshot, dirs, out);
  // The files a member's config extends are read as staged only when the members are folded again.
  const layered = dirs.length > 0 && (await ctx.members.then(() => (ctx.config.members ?? []).some((m) => (m.layers?.length ?? 1) > 1), () => true));
  if (staged === ctx.rootConfig && !members.size && !layered) return;
  // The working copy's members are folded in meanwhile: let that finish so it cannot overwrite what is set here.
  if (members.size) await ctx.members.catch(() => {});
  else await ctx.members;
  ctx.rootConfig = staged;
  ctx.config = withMembers(ctx.repo.root, staged, dirs, members);
  ctx.members = Promise.resolve();
}

/**
 * The staged text of each member config whose working copy differs (edited, deleted, or not a file):
 * a member's checks on a commit are the ones the commit records, as for the root file.
 */
async function stagedMembers(root: string, snap: Snapshot, dirs: string[], out: Output): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const dir of dirs) {
    const file = `${dir}/${CONFIG_NAME}`;
    if (!snap.has(file)) continue;
    const { oid, mode } = snap.identity(file);
    if (mode !== '100644' && mode !== '100755') continue; // a symlink: the working copy's check refuses it
    const disk = readRegular(join(root, file));
    if (disk && isBlob(disk, oid)) continue;
    const blob = await git(['cat-file', 'blob', oid], { cwd: root, okCodes: [128] });
    if (blob.code !== 0) continue;
    const text = blob.stdout.toString('utf8');
    // The same config with the line endings core.autocrlf gives it.
    if (disk && disk.toString('utf8').replace(/\r\n/g, '\n') === text) continue;
    texts.set(file, text);
    out.info(`${file} has unstaged changes: this commit is checked by the staged version`);
  }
  return texts;
}

/** Reads a tracked file's staged text when its working copy differs (the reader `extends` uses). */
function stagedReader(root: string, snap: Snapshot, out: Output): (file: string) => string | undefined {
  const realRoot = realpathSync(root);
  return (file) => {
    const rel = relative(realRoot, file).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel) || !snap.has(rel)) return undefined;
    const { oid, mode } = snap.identity(rel);
    if (mode !== '100644' && mode !== '100755') return undefined;
    const disk = readRegular(file);
    if (disk && isBlob(disk, oid)) return undefined;
    const blob = gitSync(['cat-file', 'blob', oid], { cwd: root });
    if (blob === null) return undefined;
    const text = blob.toString('utf8');
    if (disk && disk.toString('utf8').replace(/\r\n/g, '\n') === text) return undefined;
    out.info(`${rel} has unstaged changes: this commit is checked by the staged version`);
    return text;
  };
}

function readRegular(path: string): Buffer | null {
  // Whether the working copy differs decides a printed line: a replay must see it change (replay/observe.ts).
  observeFile(path);
  try {
    return lstatSync(path).isFile() ? readFileSync(path) : null;
  } catch {
    return null;
  }
}

/** Whether some bytes are the blob `oid`. */
const isBlob = (data: Buffer, oid: string) => blobId(data, algoOf(oid)) === oid;

export async function stagedConfig(ctx: Context, snapshot: Snapshot | Promise<Snapshot>, out: Output): Promise<ResolvedConfig> {
  const snap = await snapshot;
  if (!snap.has(CONFIG_NAME)) return ctx.config;
  const { oid } = snap.identity(CONFIG_NAME);
  const file = configPath(ctx.repo);
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch {
    text = Buffer.alloc(0);
  }
  // Same bytes as staged (the common case): no git call.
  if (isBlob(text, oid)) return ctx.config;
  const staged = await git(['cat-file', 'blob', oid], { cwd: ctx.repo.root, okCodes: [128] });
  if (staged.code !== 0) return ctx.config;
  let config: ResolvedConfig;
  try {
    config = parseConfigText(staged.stdout.toString('utf8'), `${file} (staged)`);
  } catch (err) {
    // Not a reason to block a commit that does not change it: the working copy's config decides, as before.
    out.warn(`the staged ${CONFIG_NAME} is not valid (${(err as Error).message.split('\n')[0]}): this commit is checked by the working copy's`);
    return ctx.config;
  }
  if (JSON.stringify(config) !== JSON.stringify(ctx.config)) out.info(`${CONFIG_NAME} has unstaged changes: this commit is checked by the staged version`);
  return config;
}
