/**
 * Reading and writing the shared result cache within a time budget. A remote
 * that is slow, down or misconfigured never fails a run: the caller gets an
 * `error` to warn about once and goes on with local results. The last error is
 * kept in the state directory for `heph doctor`.
 */
import { monotonicMs } from '../clock.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Components } from './types.js';
import type { RemoteSettings } from './remote-settings.js';
import { connectRemote, type RemoteConnection } from './remote.js';
import { entryKey, keyId, parsePrivateKey, parsePublicKey, signEntry, verifyEntry, type EntryPayload, ENTRY_VERSION } from './remote-entry.js';
import { createPublicKey } from 'node:crypto';

export interface Wanted {
  id: string;
  fingerprint: string;
}

export interface LookupResult {
  /** Verified passes, by check id. */
  hits: Map<string, EntryPayload>;
  /** Entries found but not trusted, by check id: why. */
  rejected: Map<string, string>;
  /** Why the remote could not be used this time, if it could not. */
  error: string | null;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Set when this process could not use the remote: the run's later writes are not tried (one warning per run). */
let unavailable = false;

const message = (err: unknown) => ((err as Error)?.message ?? String(err)).split('\n')[0];

/** A connection being opened early (while the snapshot is read), used once and closed. */
export class RemoteReader {
  private conn: Promise<RemoteConnection>;
  constructor(private s: RemoteSettings) {
    this.conn = connectRemote(s, s.timeoutMs);
    this.conn.catch(() => {}); // reported by lookup
  }

  /** Looks up the wanted results; gives up (with `error`) after `budgetMs`. Always closes the connection. */
  async lookup(wanted: Wanted[], budgetMs: number): Promise<LookupResult> {
    const out: LookupResult = { hits: new Map(), rejected: new Map(), error: null };
    try {
      const publicKey = parsePublicKey(this.s.publicKey);
      const publicKeyId = keyId(publicKey);
      if (!wanted.length) return out;
      const values = await withDeadline(
        this.conn.then((c) => c.getMany(wanted.map((w) => entryKey(this.s.namespace, w.id, w.fingerprint)))),
        budgetMs,
        'the remote cache',
      );
      wanted.forEach((w, i) => {
        if (values[i] === undefined || values[i] === null) return;
        const v = verifyEntry(values[i], { namespace: this.s.namespace, check: w.id, fingerprint: w.fingerprint, publicKey, publicKeyId });
        if (v.ok) out.hits.set(w.id, v.entry);
        else out.rejected.set(w.id, v.reason);
      });
    } catch (err) {
      out.error = message(err);
      unavailable = true;
    } finally {
      void this.conn.then((c) => c.close()).catch(() => {});
    }
    return out;
  }
}

export interface Passed {
  id: string;
  fingerprint: string;
  components: Components;
  durationMs: number;
  at: number;
}

export interface PublishResult {
  written: number;
  /** Already present (written once, never overwritten). */
  existing: number;
  error: string | null;
}

/** Signs and writes pass results, each at most once; needs HEPH_REMOTE_SIGNING_KEY matching the configured public key. */
export async function publish(
  s: RemoteSettings,
  passed: Passed[],
  who: { machine: string; branch: string | null; heph: string },
  budgetMs: number,
): Promise<PublishResult> {
  const res: PublishResult = { written: 0, existing: 0, error: null };
  if (!passed.length || unavailable) return res;
  let conn: Promise<RemoteConnection> | undefined;
  try {
    if (!s.signingKey) throw new Error(`mode ${s.mode} needs HEPH_REMOTE_SIGNING_KEY to write; nothing was written`);
    const priv = parsePrivateKey(s.signingKey);
    const trusted = keyId(parsePublicKey(s.publicKey));
    if (keyId(createPublicKey(priv)) !== trusted) throw new Error('HEPH_REMOTE_SIGNING_KEY does not match settings.remote.publicKey; nothing was written (readers would reject the entries)');
    conn = connectRemote(s, budgetMs);
    const c = await withDeadline(conn, budgetMs, 'connecting to the remote cache');
    const writes = passed.map((p) => {
      const payload: EntryPayload = { v: ENTRY_VERSION, namespace: s.namespace, check: p.id, fingerprint: p.fingerprint, components: p.components, status: 'passed', durationMs: p.durationMs, at: p.at, ...who };
      return c.putOnce(entryKey(s.namespace, p.id, p.fingerprint), signEntry(payload, priv)).then((wrote) => (wrote ? res.written++ : res.existing++));
    });
    await withDeadline(Promise.all(writes), budgetMs, 'writing to the remote cache');
  } catch (err) {
    res.error = message(err);
  } finally {
    void conn?.then((c) => c.close()).catch(() => {});
  }
  return res;
}

const ERROR_FILE = 'remote-last-error.json';

/** Keeps the last remote error for `heph doctor` (best effort: state is a cache). */
export function recordRemoteError(dir: string, error: string, now = Date.now()): void {
  try {
    writeFileSync(join(dir, ERROR_FILE), JSON.stringify({ at: now, error }) + '\n');
  } catch {
    /* the state directory may not exist yet */
  }
}

export function lastRemoteError(dir: string): { at: number; error: string } | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, ERROR_FILE), 'utf8'));
    return typeof v?.at === 'number' && typeof v?.error === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Connects and reads one key, for `heph doctor`: how long it took, or why it failed. Writes nothing. */
export async function probe(s: RemoteSettings, budgetMs: number): Promise<{ ms: number; engine: string } | { error: string }> {
  const started = monotonicMs();
  const conn = connectRemote(s, budgetMs);
  try {
    const c = await withDeadline(conn, budgetMs, 'connecting to the remote cache');
    await withDeadline(c.getMany([`heph:v${ENTRY_VERSION}:${s.namespace}:probe`]), budgetMs, 'reading the remote cache');
    return { ms: monotonicMs() - started, engine: c.engine };
  } catch (err) {
    return { error: message(err) };
  } finally {
    void conn.then((c) => c.close()).catch(() => {});
  }
}

/** The trusted key's id, and whether the signing key (if any) matches it; throws on an unusable key. */
export function keyReport(s: RemoteSettings): { trusted: string; signing: 'absent' | 'matches' | 'differs' } {
  const trusted = keyId(parsePublicKey(s.publicKey));
  if (!s.signingKey) return { trusted, signing: 'absent' };
  return { trusted, signing: keyId(createPublicKey(parsePrivateKey(s.signingKey))) === trusted ? 'matches' : 'differs' };
}
