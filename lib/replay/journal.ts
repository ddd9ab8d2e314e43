/**
 * The store's side of replays: a run that stores a result removes every
 * replay record (what it stored may change a later decision, a failure for
 * one), and the runs replayed since the last full run, kept in a journal
 * appended to by the entry point, join the store's history.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { observed } from './observe.js';
import { join } from 'node:path';
import type { RunRecord, StateStore } from '../state/types.js';
import { journalFile } from './record.js';

/** What `forgetReplays` last wrote: a record whose run read the store before it changed is not kept (replay/write.ts). */
export const generationFile = (dir: string): string => join(dir, 'replay', 'generation');

export function readGeneration(dir: string): string {
  try {
    return readFileSync(generationFile(dir), 'utf8');
  } catch {
    return '';
  }
}

/** Removes the replay records in heph's folder (the journal stays), and says so to a run writing one now. */
export function forgetReplays(dir: string): string {
  const folder = join(dir, 'replay');
  const token = `${process.pid}-${Date.now()}-${Math.random()}`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(generationFile(dir), token);
  } catch {
    /* a folder that cannot be written holds no record either */
  }
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return token;
  }
  for (const n of names) if (n.endsWith('.json')) rmSync(join(folder, n), { force: true });
  return token;
}

/** The journal and any journal a killed fold left, oldest first. */
function journals(dir: string): string[] {
  const folder = join(dir, 'replay');
  try {
    return readdirSync(folder)
      .filter((n) => n.startsWith('journal.') && n.endsWith('.fold'))
      .sort()
      .map((n) => join(folder, n));
  } catch {
    return [];
  }
}

function parse(file: string): RunRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: RunRecord[] = [];
  for (const line of text.split('\n')) {
    try {
      const r = JSON.parse(line) as RunRecord;
      if (r && typeof r.at === 'number' && Array.isArray(r.checks)) out.push(r);
    } catch {
      /* a torn last line */
    }
  }
  return out;
}

/** Replayed runs not yet in the store. */
export function journalRuns(dir: string): RunRecord[] {
  return [...journals(dir), journalFile(dir)].flatMap(parse);
}

/** The replayed runs the store already holds, as their text (a replayed run's line is stored as it is). */
async function storedReplays(store: StateStore): Promise<Set<string>> {
  return new Set((await store.runs()).filter((r) => r.replayed).map((r) => JSON.stringify(r)));
}

/** Moves the journal's runs into the store's history (under the run lock: one fold at a time). */
async function fold(dir: string, store: StateStore): Promise<void> {
  const live = journalFile(dir);
  const mine = `${live}.${String(Date.now()).padStart(15, '0')}-${process.pid}.fold`;
  try {
    renameSync(live, mine);
  } catch {
    /* no journal */
  }
  // A fold killed between adding a file's runs and removing the file left it: what it added is not added again.
  const leftovers = journals(dir).filter((f) => f !== mine);
  const known = leftovers.length ? await storedReplays(store) : new Set<string>();
  for (const file of journals(dir)) {
    for (const r of parse(file)) if (!known.has(JSON.stringify(r))) await store.addRun(r);
    rmSync(file, { force: true });
  }
}

/** `store` with records removed before its first write and the journal folded before its first run is added. */
export function withReplays(store: StateStore, dir: string): StateStore {
  // Read before any result is: a record is kept only if no store write came after this (replay/write.ts).
  observed().generation ??= readGeneration(dir);
  let forgotten = false;
  let folded = false;
  const forget = () => {
    if (forgotten) return;
    forgotten = true;
    // This run's own writes come after it read the results: they do not make its record stale.
    observed().generation = forgetReplays(dir);
  };
  return {
    ...store,
    putResult: (id, r) => (forget(), store.putResult(id, r)),
    putManifest: (id, m) => (forget(), store.putManifest(id, m)),
    putCerts: (check, keys, at) => (forget(), store.putCerts(check, keys, at)),
    // `heph cache clear` holds no run lock: a run that read the results before the clear and writes its
    // record after it must find the generation changed, or its record gone.
    clear: async (ids) => {
      forget();
      const n = await store.clear(ids);
      observed().generation = forgetReplays(dir);
      return n;
    },
    async addRun(run) {
      if (!folded) {
        folded = true;
        await fold(dir, store);
      }
      await store.addRun(run);
    },
    async runs() {
      const stored = await store.runs();
      // A journal being folded, or left by a killed fold, may hold runs the store has already.
      const known = new Set(stored.filter((r) => r.replayed).map((r) => JSON.stringify(r)));
      return [...stored, ...journalRuns(dir).filter((r) => !known.has(JSON.stringify(r)))].sort((a, b) => a.at - b.at);
    },
  };
}
