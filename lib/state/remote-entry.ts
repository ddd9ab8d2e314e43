/**
 * Shared cache entries: a pass result signed with Ed25519. The writer (CI on
 * protected branches) holds the private key; readers hold only the public key,
 * so a reader can verify but never forge. The signature covers the exact
 * payload text, which names the namespace, the check and the fingerprint, so
 * an entry copied under another key, namespace or check is rejected too.
 * No file content is ever part of an entry: only digests, timings and labels.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Components } from './types.js';

/** Bump when the entry layout changes; older entries are then ignored. */
export const ENTRY_VERSION = 1;

export interface EntryPayload {
  v: number;
  namespace: string;
  check: string;
  fingerprint: string;
  components: Components;
  status: 'passed';
  durationMs: number;
  /** Epoch ms when the check passed. */
  at: number;
  /** Who ran it: HEPH_REMOTE_MACHINE, `CI` on a CI runner, else the host name. */
  machine: string;
  branch: string | null;
  heph: string;
}

/** What is stored: the payload text, its signature and the id of the key that made it. */
export interface SignedEntry {
  payload: string;
  sig: string;
  key: string;
}

export type Verdict = { ok: true; entry: EntryPayload } | { ok: false; reason: string };

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The key's id: the first 16 hex digits of the SHA-256 of its SPKI DER form. */
export function keyId(publicKey: KeyObject): string {
  return sha(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** Parses the configured public key; throws a message a user can act on. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new Error(`settings.remote.publicKey is not a valid PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`settings.remote.publicKey is a ${key.asymmetricKeyType} key; an Ed25519 key is needed`);
  return key;
}

/** Parses HEPH_REMOTE_SIGNING_KEY; throws a message a user can act on. */
export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch (err) {
    throw new Error(`HEPH_REMOTE_SIGNING_KEY is not a valid PEM private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`HEPH_REMOTE_SIGNING_KEY is a ${key.asymmetricKeyType} key; an Ed25519 key is needed`);
  return key;
}

/** Where an entry lives: bounded length whatever the check id (PostgreSQL keys are at most 255 characters). */
export function entryKey(namespace: string, check: string, fingerprint: string): string {
  return `heph:v${ENTRY_VERSION}:${namespace}:${sha(`${check}\0${fingerprint}`).slice(0, 48)}`;
}

export function signEntry(payload: EntryPayload, privateKey: KeyObject): SignedEntry {
  const text = JSON.stringify(payload);
  return { payload: text, sig: sign(null, Buffer.from(text), privateKey).toString('base64'), key: keyId(createPublicKey(privateKey)) };
}

export interface Expected {
  namespace: string;
  check: string;
  /** The fingerprint computed here, from the local files. */
  fingerprint: string;
  publicKey: KeyObject;
  publicKeyId: string;
}

/** Checks a stored value: signed by the configured key, for this namespace, check and fingerprint, and whole. */
export function verifyEntry(raw: unknown, want: Expected): Verdict {
  const e = typeof raw === 'string' ? safeParse(raw) : raw;
  if (!e || typeof e !== 'object') return { ok: false, reason: 'unreadable entry' };
  const { payload, sig, key } = e as Partial<SignedEntry>;
  if (typeof payload !== 'string') return { ok: false, reason: 'unreadable entry' };
  if (typeof sig !== 'string' || !sig) return { ok: false, reason: 'unsigned entry' };
  if (key !== want.publicKeyId) return { ok: false, reason: `signed with another key (${String(key).slice(0, 16)}, trusted: ${want.publicKeyId})` };
  let good = false;
  try {
    good = verify(null, Buffer.from(payload), want.publicKey, Buffer.from(sig, 'base64'));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad signature (entry altered or forged)' };
  const p = safeParse(payload) as EntryPayload | null;
  if (!p || typeof p !== 'object') return { ok: false, reason: 'unreadable entry' };
  if (p.v !== ENTRY_VERSION) return { ok: false, reason: `entry format ${p.v}, this heph reads ${ENTRY_VERSION}` };
  if (p.namespace !== want.namespace) return { ok: false, reason: `entry of namespace ${JSON.stringify(p.namespace)}, not ${JSON.stringify(want.namespace)}` };
  if (p.check !== want.check) return { ok: false, reason: `entry of check ${p.check}` };
  if (p.fingerprint !== want.fingerprint) return { ok: false, reason: 'entry for another fingerprint' };
  if (p.status !== 'passed') return { ok: false, reason: `entry status ${p.status}` };
  if (typeof p.at !== 'number' || typeof p.durationMs !== 'number') return { ok: false, reason: 'unreadable entry' };
  return { ok: true, entry: p };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
