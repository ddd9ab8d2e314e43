/**
 * A replay that had to run git's untracked list again, and found it the
 * same, replaces that list in the record by the identities that stand for it
 * (replay/tree.ts): the next replay then starts no git process. Done once
 * per record, after the output is printed, and only when nothing about the
 * tree changed since the list was started. Without the run lock, as the
 * replay itself: the record is put in place only if it is still the one
 * read, and removed again if the store changed meanwhile (the generation a
 * store write leaves, replay/journal.ts).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readGeneration } from './journal.js';
import { clockSkew, settled } from './observe.js';
import { seal, sealWatch, treeFile, untrackedList, type ReplayRecord } from './record.js';
import { watchTree } from './tree.js';

export interface Upgrade {
  record: ReplayRecord;
  /** The record's file and the text read from it. */
  file: string;
  text: string;
  /** heph's folder, and its replay generation read before the record was. */
  dir: string;
  generation: string;
  /** When the replay started git's list (nowNs). */
  since: bigint;
}

/** The reason nothing was written, or null once the record is upgraded. */
export async function upgradeRecord(u: Upgrade): Promise<string | null> {
  const { record: r } = u;
  if (r.tree || r.git.length !== 1 || !untrackedList(r.git[0].args)) return 'nothing to upgrade';
  const tree = await watchTree(r.root, r.gitDir, r.commonDir);
  if (typeof tree === 'string') return tree;
  const tmp = `${u.file}.${process.pid}.tmp`;
  try {
    const skew = clockSkew(tmp);
    if (!tree.entries.every((e) => settled(e.newest, u.since, skew)) || !tree.dirs.every(([, , newest, m]) => settled(newest, u.since, skew, m))) {
      rmSync(tmp, { force: true });
      return 'a directory or an ignore rule changed since git listed';
    }
    const watch = await sealWatch({ dirs: tree.dirs.map(([rel, id]) => [rel, id]), files: tree.entries.map((e) => ({ p: e.p, id: e.id })) });
    const upgraded: ReplayRecord = { ...r, git: [], tree: watch.slice(0, watch.indexOf('\n')) };
    // The watch first: a record naming it is put in place only once it is there.
    const treeTmp = `${treeFile(u.dir, r.gitDir)}.${process.pid}.tmp`;
    writeFileSync(treeTmp, watch);
    renameSync(treeTmp, treeFile(u.dir, r.gitDir));
    writeFileSync(tmp, await seal(upgraded));
    // Another run may have replaced the record meanwhile: keep that one.
    if (readFileSync(u.file, 'utf8') !== u.text) return rmSync(tmp, { force: true }), 'the record changed meanwhile';
    renameSync(tmp, u.file);
    if (readGeneration(u.dir) !== u.generation) return rmSync(u.file, { force: true }), 'the store changed meanwhile';
    return null;
  } catch (err) {
    rmSync(tmp, { force: true });
    return (err as Error).message;
  }
}
