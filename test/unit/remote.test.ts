import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync } from 'node:crypto';
import { ENTRY_VERSION, entryKey, keyId, parsePrivateKey, parsePublicKey, signEntry, verifyEntry, type EntryPayload } from '../../lib/state/remote-entry.js';
import { remoteSettings } from '../../lib/state/remote-settings.js';
import { applyRemote, remoteCandidates } from '../../lib/plan/remote.js';
import { resolveConfig } from '../../lib/config/resolve.js';
import { validateConfig } from '../../lib/config/validate.js';
import type { Plan } from '../../lib/plan/types.js';

const pair = () => {
  const k = generateKeyPairSync('ed25519');
  return { pub: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(), priv: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
};
const keys = pair();
const pub = parsePublicKey(keys.pub);
const want = { namespace: 'ns', check: 'q/a', fingerprint: 'f1', publicKey: pub, publicKeyId: keyId(pub) };
const payload = (over: Partial<EntryPayload> = {}): EntryPayload => ({
  v: ENTRY_VERSION, namespace: 'ns', check: 'q/a', fingerprint: 'f1', components: {} as EntryPayload['components'], status: 'passed', durationMs: 5, at: 1, machine: 'CI', branch: 'main', heph: 't', ...over,
});
const signed = (over: Partial<EntryPayload> = {}, priv = keys.priv) => signEntry(payload(over), parsePrivateKey(priv));

test('verifyEntry: only a whole entry signed by the trusted key for this namespace, check and fingerprint is accepted', () => {
  assert.ok(verifyEntry(signed(), want).ok);
  assert.ok(verifyEntry(JSON.stringify(signed()), want).ok, 'as text too');
  const cases: [unknown, RegExp][] = [
    [{ ...signed(), sig: '' }, /unsigned/],
    [{ ...signed(), payload: signed().payload.replace('"durationMs":5', '"durationMs":6') }, /bad signature/],
    [{ ...signed(), sig: signed({ durationMs: 6 }).sig }, /bad signature/],
    [signed({}, pair().priv), /another key/],
    [{ ...signed({}, pair().priv), key: keyId(pub) }, /bad signature/],
    [signed({ namespace: 'other' }), /namespace "other"/],
    [signed({ check: 'q/b' }), /check q\/b/],
    [signed({ fingerprint: 'f2' }), /another fingerprint/],
    [signed({ status: 'failed' as 'passed' }), /status failed/],
    [signed({ v: 99 }), /format 99/],
    ['not json', /unreadable/],
    [null, /unreadable/],
  ];
  for (const [value, reason] of cases) {
    const v = verifyEntry(value, want);
    assert.not.ok(v.ok, JSON.stringify(value));
    if (!v.ok) assert.match(v.reason, reason);
  }
});

test('entry keys are bounded and separate namespaces, checks and fingerprints', () => {
  const k = entryKey('ns', 'q/' + 'x'.repeat(500), 'f'.repeat(64));
  assert.ok(k.length < 100);
  assert.is.not(entryKey('a', 'q/a', 'f'), entryKey('b', 'q/a', 'f'));
  assert.is.not(entryKey('a', 'q/a', 'f'), entryKey('a', 'q/b', 'f'));
  assert.is.not(entryKey('a', 'q/a', 'f'), entryKey('a', 'q/a', 'g'));
});

test('keys that are not Ed25519, or not keys, are refused with a message', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.throws(() => parsePublicKey(rsa), /rsa key; an Ed25519 key is needed/);
  assert.throws(() => parsePublicKey('nope'), /not a valid PEM public key/);
  assert.throws(() => parsePrivateKey('nope'), /HEPH_REMOTE_SIGNING_KEY is not a valid PEM private key/);
  // A key pasted with literal \n (as some CI secret stores keep it) still reads.
  assert.is(parsePrivateKey(keys.priv.replace(/\n/g, '\\n')).asymmetricKeyType, 'ed25519');
});

const config = (remote?: Record<string, unknown>) => {
  const raw = { ...(remote ? { settings: { remote } } : {}), phases: [{ name: 'q', checks: [{ name: 'a', run: 'true' }] }] };
  assert.equal(validateConfig(raw), []);
  return resolveConfig(raw, '/x/.heph.json');
};

test('remote settings: the file, then the environment; the signing key only from the environment', () => {
  assert.is(remoteSettings(config(), {}), null);
  assert.is(remoteSettings(config({ namespace: 'ns', publicKey: keys.pub }), {}), null, 'no URL: no remote');
  const s = remoteSettings(config({ url: 'redis://h:1', namespace: 'ns', publicKey: keys.pub }), { HEPH_REMOTE_MODE: 'write', HEPH_REMOTE_SIGNING_KEY: 'k' });
  assert.equal(s, { url: 'redis://h:1', mode: 'write', namespace: 'ns', publicKey: keys.pub, timeoutMs: 500, signingKey: 'k' });
  const env = remoteSettings(config({ namespace: 'ns', publicKey: keys.pub, mode: 'read-write', timeout: '1s' }), { HEPH_REMOTE_URL: 'postgres://u:secret@h/db' });
  assert.equal(env && 'url' in env && [env.url, env.mode, env.timeoutMs], ['postgres://u:secret@h/db', 'read-write', 1000]);
  assert.match((remoteSettings(config(), { HEPH_REMOTE_URL: 'redis://h' }) as { problem: string }).problem, /no settings.remote/);
  assert.match((remoteSettings(config({ namespace: 'ns', publicKey: keys.pub }), { HEPH_REMOTE_URL: 'http://h' }) as { problem: string }).problem, /must start with redis/);
  assert.match((remoteSettings(config({ namespace: 'ns', publicKey: keys.pub }), { HEPH_REMOTE_URL: 'redis://h', HEPH_REMOTE_MODE: 'rw' }) as { problem: string }).problem, /read, write or read-write/);
  // The schema refuses a private key, or anything but a public key, in the file.
  const raw = { settings: { remote: { namespace: 'ns', publicKey: keys.priv } }, phases: [{ name: 'q', checks: [{ name: 'a', run: 'true' }] }] };
  assert.equal(validateConfig(raw).map((p) => p.path), ['settings.remote.publicKey']);
  const extra = { settings: { remote: { namespace: 'ns', publicKey: keys.pub, signingKey: 'x' } }, phases: [{ name: 'q', checks: [{ name: 'a', run: 'true' }] }] };
  assert.equal(validateConfig(extra).map((p) => p.path), ['settings.remote.signingKey']);
});

const check = (ttlMs = Infinity, ttl = 'forever') => ({ id: 'q/a', phase: 'q', name: 'a', run: 'true', shell: false, fix: null, files: null, inputs: null, env: [], ttl, ttlMs, tags: [], platform: null, timeoutMs: null, cwd: '', symlinks: false, incremental: true });
const plan = (over: Partial<Plan['phases'][0]['items'][0]> = {}, ttlMs?: number, ttl?: string): Plan => ({
  mode: 'fast',
  event: null,
  phases: [{ name: 'q', items: [{ id: 'q/a', check: check(ttlMs, ttl), action: 'run', reason: 'no previous result', files: null, fingerprint: 'f1', cacheable: true, ...over }] }],
});

test('applyRemote: a verified pass for the same fingerprint within the ttl is reused and says where it came from', () => {
  const hit = { fingerprint: 'f1', at: 1_000, durationMs: 42, machine: 'CI', branch: 'main' };
  const item = (p: Plan) => p.phases[0].items[0];
  const used = item(applyRemote(plan(), { hits: new Map([['q/a', hit]]), rejected: new Map() }, 1_000 + 12 * 60_000));
  assert.equal([used.action, used.reason, used.savedMs, used.source], ['cached', 'cached (CI, main, 12m ago)', 42, 'remote']);
  const other = item(applyRemote(plan(), { hits: new Map([['q/a', { ...hit, fingerprint: 'f2' }]]), rejected: new Map() }, 2_000));
  assert.is(other.action, 'run');
  const old = item(applyRemote(plan({}, 60_000, '1m'), { hits: new Map([['q/a', hit]]), rejected: new Map() }, 1_000 + 120_000));
  assert.equal([old.action, old.reason], ['run', 'no previous result; remote pass expired (2m old, ttl 1m)']);
  const bad = item(applyRemote(plan(), { hits: new Map(), rejected: new Map([['q/a', 'unsigned entry']]) }, 2_000));
  assert.equal([bad.action, bad.reason], ['run', 'no previous result; remote entry ignored: unsigned entry']);
});

test('remoteCandidates: only checks that would run, may be reused, and did not fail here on this very fingerprint', () => {
  assert.equal(remoteCandidates(plan(), () => false), [{ id: 'q/a', fingerprint: 'f1' }]);
  assert.equal(remoteCandidates(plan(), () => true), [], 'a local failure on the same fingerprint is not overridden');
  assert.equal(remoteCandidates(plan({ cacheable: false }), () => false), []);
  assert.equal(remoteCandidates(plan({ action: 'cached' }), () => false), []);
  assert.equal(remoteCandidates({ ...plan(), mode: 'full' }, () => false), []);
});

test.run();
