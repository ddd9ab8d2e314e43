/**
 * The state store: keyv over SQLite (`<heph dir>/state.sqlite`). @keyv/sqlite
 * writes each value with one `INSERT … ON CONFLICT DO UPDATE` statement, which
 * SQLite runs as its own transaction; in WAL mode a kill at any moment leaves
 * the old or the new row, never half of one (a torn WAL frame fails its
 * checksum and is ignored on the next open). A file that cannot be opened or
 * read is moved aside and a fresh store is started: state is a cache, and must
 * never stop a commit. An error met later (a page damaged past the probe) is
 * reported once, the run goes on without the store, and the file is moved
 * aside when the store closes.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Keyv from 'keyv';
import type KeyvSqliteType from '@keyv/sqlite';
import type { RunRecord, StateStore, StoredResult } from './types.js';
import { classify, moveAside, why } from './recover.js';
import { guarded } from './guarded.js';
import { withReplays } from '../replay/journal.js';

export interface OpenOptions {
  dir: string;
  /** Never create or change anything on disk (dry-run, status). */
  readOnly?: boolean;
  /** Called with a message when the store had to be recovered. */
  warn?: (msg: string) => void;
}

const RESULT = 'result:';
const MANIFEST = 'manifest:';
const RUN = 'run:';
const KEEP_RUNS = 500;
/**
 * Per-file certifications live in their own table, not in keyv: there can be
 * millions, each a 40-hex key and a time; lookups and inserts go through
 * json_each so a batch of any size is one statement (one transaction).
 */
const CERT = 'heph_cert';
const CERT_TABLE = `CREATE TABLE IF NOT EXISTS ${CERT} (key TEXT PRIMARY KEY, check_id TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID`;
/** Certifications older than this are pruned now and then: at worst a file is checked again. */
const CERT_MAX_AGE_MS = 90 * 24 * 3600_000;
const BATCH = 50_000;

type Sqlite = InstanceType<typeof KeyvSqliteType>;
let driver: typeof KeyvSqliteType | undefined;

/**
 * Loads the SQLite driver on first use. Its native addon is built when the
 * package is installed; npm 11 skips dependencies' install scripts unless they
 * are allowed, and then heph runs without stored results and says how to fix it.
 */
let loading: Promise<typeof KeyvSqliteType> | undefined;

/** Starts loading the driver (native addon included) while other work goes on. */
export function preloadDriver(): void {
  loading ??= import('@keyv/sqlite').then((m) => m.default);
  loading.catch(() => {}); // reported by loadDriver
}

async function loadDriver(warn?: (msg: string) => void): Promise<typeof KeyvSqliteType | null> {
  if (driver) return driver;
  try {
    preloadDriver();
    driver = await loading!;
    return driver;
  } catch (err) {
    warn?.(
      `the SQLite driver could not be loaded (${(err as Error).message.split('\n')[0]}); running without stored results. ` +
        'Its native addon is built by an install script, which npm skips unless allowed: in the project that installs heph run ' +
        '`npm install-scripts approve sqlite3 && npm rebuild sqlite3` (a global install: `npm install -g --allow-scripts=sqlite3 heph`)',
    );
    return null;
  }
}

async function connect(file: string, readOnly: boolean): Promise<{ keyv: Keyv; sqlite: Sqlite }> {
  const KeyvSqlite = driver!;
  const sqlite = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 10_000 });
  sqlite.on('error', () => {}); // surfaced through the probe below
  // Probe: fails on a corrupt, truncated or foreign file.
  try {
    // Sent together: each statement is one trip through the thread pool, and none of these needs
    // another's result (a statement holds the connection only while it runs, so the journal mode
    // can change between them). Writes come after, under WAL and synchronous=NORMAL.
    const first = ['SELECT key FROM keyv LIMIT 1', ...(readOnly ? [] : ['PRAGMA journal_mode=WAL', 'PRAGMA synchronous=NORMAL', CERT_TABLE])];
    await Promise.all(first.map((sql) => sqlite.query(sql)));
    await sqlite.query(`SELECT key FROM ${CERT} LIMIT 1`).catch((err: Error) => {
      // A read-only open of a store written before certifications existed.
      if (!(readOnly && /no such table/.test(err.message))) throw err;
    });
  } catch (err) {
    await safeClose(sqlite);
    throw err;
  }
  // Errors must reach us: by default keyv turns a failed read into a silent miss.
  const keyv = new Keyv({ store: sqlite, namespace: 'heph', useKeyPrefix: true, throwOnErrors: true });
  keyv.on('error', () => {});
  return { keyv, sqlite };
}

async function safeClose(sqlite: Sqlite | undefined): Promise<void> {
  try {
    await sqlite?.disconnect();
  } catch {
    /* closing a broken handle may fail; nothing to keep */
  }
}

const fallbacks = new WeakSet<StateStore>();

/** Whether `store` is the empty stand-in used when the real one could not be opened. */
export const isFallback = (store: StateStore): boolean => fallbacks.has(store);

/** An empty store for read-only commands in a repository heph has not run in yet, or when the real one cannot be used. */
function emptyStore(): StateStore {
  const store: StateStore = {
    getResults: async () => new Map(),
    putResult: async () => {},
    getManifest: async () => null,
    putManifest: async () => {},
    getCerts: async () => new Map(),
    putCerts: async () => {},
    clear: async () => 0,
    ids: async () => [],
    addRun: async () => {},
    runs: async () => [],
    close: async () => {},
  };
  fallbacks.add(store);
  return store;
}

function wrap(keyv: Keyv, sqlite: Sqlite): StateStore {
  let added = 0;
  return {
    async getResults(ids) {
      const out = new Map<string, StoredResult>();
      if (!ids.length) return out;
      const values = (await keyv.getMany(ids.map((id) => RESULT + id))) as (StoredResult | undefined)[];
      ids.forEach((id, i) => values[i] && out.set(id, values[i]!));
      return out;
    },
    async putResult(id, result) {
      await keyv.set(RESULT + id, result);
    },
    async getManifest(id) {
      const v = (await keyv.get(MANIFEST + id)) as string | undefined;
      if (!v) return null;
      const { inflateRawSync } = await import('node:zlib'); // only needed on a miss
      return inflateRawSync(Buffer.from(v, 'base64')).toString('utf8');
    },
    async putManifest(id, manifest) {
      const { deflateRawSync } = await import('node:zlib');
      await keyv.set(MANIFEST + id, deflateRawSync(manifest).toString('base64'));
    },
    async getCerts(keys) {
      const out = new Map<string, number>();
      for (let i = 0; i < keys.length; i += BATCH) {
        const rows = (await sqlite
          .query(`SELECT key, at FROM ${CERT} WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys.slice(i, i + BATCH)))
          .catch((err: Error) => {
            if (/no such table/.test(err.message)) return [];
            throw err;
          })) as { key: string; at: number }[];
        for (const r of rows) out.set(r.key, r.at);
      }
      return out;
    },
    async putCerts(check, keys, at) {
      for (let i = 0; i < keys.length; i += BATCH) {
        await sqlite.query(`INSERT OR REPLACE INTO ${CERT} (key, check_id, at) SELECT value, ?, ? FROM json_each(?)`, check, at, JSON.stringify(keys.slice(i, i + BATCH)));
      }
      if (Math.random() < 0.02) await sqlite.query(`DELETE FROM ${CERT} WHERE at < ?`, at - CERT_MAX_AGE_MS);
    },
    async ids() {
      const rows = (await sqlite.query(`SELECT key FROM keyv WHERE key LIKE 'heph:${RESULT}%'`)) as { key: string }[];
      return rows.map((r) => r.key.slice(`heph:${RESULT}`.length)).sort();
    },
    async clear(ids) {
      const all = await this.ids();
      const gone = ids ? all.filter((id) => ids.includes(id)) : all;
      if (gone.length) await keyv.deleteMany(gone.flatMap((id) => [RESULT + id, MANIFEST + id]));
      if (ids) await sqlite.query(`DELETE FROM ${CERT} WHERE check_id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids));
      else await sqlite.query(`DELETE FROM ${CERT}`);
      return gone.length;
    },
    async addRun(run) {
      await keyv.set(`${RUN}${String(run.at).padStart(15, '0')}-${process.pid}-${added++}`, run);
      // Prune now and then rather than counting on every run.
      if (Math.random() < 0.05) {
        const rows = (await sqlite.query(`SELECT key FROM keyv WHERE key LIKE 'heph:${RUN}%' ORDER BY key DESC LIMIT -1 OFFSET ?`, KEEP_RUNS)) as { key: string }[];
        if (rows.length) await keyv.deleteMany(rows.map((r) => r.key.slice('heph:'.length)));
      }
    },
    async runs() {
      const rows = (await sqlite.query(`SELECT value FROM keyv WHERE key LIKE 'heph:${RUN}%' ORDER BY key`)) as { value: string }[];
      const out: RunRecord[] = [];
      for (const r of rows) {
        const data = (await keyv.deserialize?.(r.value)) as { value?: RunRecord } | undefined;
        if (data?.value) out.push(data.value);
      }
      return out;
    },
    close: () => safeClose(sqlite),
  };
}

/** A connection opened before the run lock was held, and which file it was opened for. */
let early: { file: string; dev: number; ino: number; conn: Promise<{ keyv: Keyv; sqlite: Sqlite } | null> } | undefined;

/**
 * Opens an existing store's connection ahead of the run lock, while git is
 * still being read and SQLite's threads have nothing else to do: the lock
 * holder's `openStore` uses it if the path still names the file opened (a
 * store moved aside meanwhile is another file). Creating a store, and
 * recovering a broken one, wait for the lock as before.
 */
export function preopenStore(dir: string): void {
  if (early) return;
  const file = join(dir, 'state.sqlite');
  let st;
  try {
    st = statSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) return;
  // A failed early open only means the usual open under the lock.
  const conn = loadDriver().then((d) => (d ? connect(file, false) : null)).catch(() => null);
  early = { file, dev: st.dev, ino: st.ino, conn };
}

/** The early connection when it is to `file` as that path is now; any other is closed. */
async function takeEarly(file: string): Promise<{ keyv: Keyv; sqlite: Sqlite } | null> {
  const e = early;
  early = undefined;
  const c = await e?.conn;
  if (!e || !c) return null;
  let same = false;
  try {
    const st = statSync(file);
    same = e.file === file && st.dev === e.dev && st.ino === e.ino;
  } catch {
    /* gone: not the same */
  }
  if (same) return c;
  await safeClose(c.sqlite);
  return null;
}

/** Closes an early connection nothing used (a hook that had nothing to run). */
export async function dropPreopened(): Promise<void> {
  const c = await early?.conn;
  early = undefined;
  if (c) await safeClose(c.sqlite);
}

/** Opens (creating if needed) the state store, recovering from a broken file. */
export async function openStore(opts: OpenOptions): Promise<StateStore> {
  const store = await openInner(opts);
  if (isFallback(store)) return store;
  return opts.readOnly ? { ...store, runs: withReplays(store, opts.dir).runs } : withReplays(store, opts.dir);
}

async function openInner(opts: OpenOptions): Promise<StateStore> {
  const file = join(opts.dir, 'state.sqlite');
  if (opts.readOnly && !existsSync(file)) return emptyStore();
  if (!(await loadDriver(opts.warn))) return emptyStore();
  if (!opts.readOnly) {
    try {
      mkdirSync(opts.dir, { recursive: true });
      accessSync(opts.dir, constants.W_OK);
    } catch (err) {
      // A folder heph cannot write (read-only mount, permissions): never move the file, never stop.
      opts.warn?.(`heph's folder ${opts.dir} cannot be written (${why(err)}); running without stored results`);
      return emptyStore();
    }
  }
  const ready = opts.readOnly ? null : await takeEarly(file);
  if (ready) return guarded(wrap(ready.keyv, ready.sqlite), file, opts.warn);
  try {
    const { keyv, sqlite } = await connect(file, !!opts.readOnly);
    return guarded(wrap(keyv, sqlite), file, opts.warn);
  } catch (err) {
    if (opts.readOnly) {
      opts.warn?.(`state store ${file} is unreadable (${why(err)}); showing no stored results`);
      return emptyStore();
    }
    if (classify(err) === 'busy') {
      opts.warn?.(`state store ${file} is held by another process (${why(err)}); running without stored results`);
      return emptyStore();
    }
    let aside: string;
    try {
      aside = moveAside(file);
    } catch (moveErr) {
      opts.warn?.(`state store ${file} is unreadable and could not be moved aside (${why(moveErr)}); running without stored results`);
      return emptyStore();
    }
    opts.warn?.(`state store was unreadable (${why(err)}); moved it to ${aside} and started a fresh one`);
    try {
      const { keyv, sqlite } = await connect(file, false);
      return guarded(wrap(keyv, sqlite), file, opts.warn);
    } catch (again) {
      opts.warn?.(`could not start a fresh state store (${why(again)}); running without stored results`);
      return emptyStore();
    }
  }
}
