/**
 * The content identity of a submodule's working tree, for a gitlink that
 * differs from the index. Its directory's timestamps say nothing about the
 * files inside, so the identity is its checked-out commit plus, when dirty,
 * a digest of its changes against that commit and of its untracked files.
 * Runs git synchronously: only a dirty or moved submodule gets here.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from './snapshot.js';
import { gitSync } from './exec.js';

const run = (dir: string, args: string[]) => gitSync(args, { cwd: dir, noLocks: true });

/** null when `dir` is not a submodule checkout; an uncacheable identity when its state cannot be read whole. */
export function submoduleIdentity(dir: string, algo: 'sha1' | 'sha256'): Identity | null {
  if (!existsSync(join(dir, '.git'))) return null;
  const head = run(dir, ['rev-parse', '--verify', '-q', 'HEAD'])?.toString().trim() || 'unborn';
  const status = run(dir, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignore-submodules=none']);
  if (status === null) return { mode: 'conflict', oid: 'conflict' };
  if (!status.length) return { mode: '160000', oid: head };
  const records = status.toString('latin1').split('\0');
  // A nested submodule with changes of its own: not worth following; never reuse.
  if (records.some((r) => /^[12] \S+ S[CMU.]{3}/.test(r) && !/^[12] \S+ S\.\.\./.test(r))) return { mode: 'conflict', oid: 'conflict' };
  const diff = run(dir, ['diff', 'HEAD', '--binary', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all']);
  if (diff === null) return { mode: 'conflict', oid: 'conflict' };
  const h = createHash(algo).update(head).update('\0').update(diff);
  const untracked = run(dir, ['ls-files', '-o', '--exclude-standard', '-z']);
  for (const p of untracked ? untracked.toString('latin1').split('\0').filter(Boolean) : []) {
    const abs = join(dir, Buffer.from(p, 'latin1').toString());
    h.update(`\0${p}\0`);
    try {
      const st = lstatSync(abs);
      h.update(st.isSymbolicLink() ? `l${readlinkSync(abs)}` : st.isFile() ? readFileSync(abs) : 'other');
    } catch {
      h.update('gone');
    }
  }
  return { mode: '160000', oid: `dirty:${h.digest('hex')}` };
}
