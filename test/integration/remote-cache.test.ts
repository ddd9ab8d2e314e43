/**
 * The shared result cache against the real engines: a CI-like clone writes,
 * another clone with the same content reuses its passes, a changed input
 * misses, readers never write, and concurrent writers leave one valid entry.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloneOf, freshNamespace, keyPair, perEngine, reader, remoteRepo, writer } from '../helpers/remote.js';
import { connectRemote } from '../../lib/state/remote.js';
import { publish } from '../../lib/state/remote-cache.js';
import { spawnHeph } from '../helpers/proc.js';
import { entryKey, keyId, parsePublicKey, verifyEntry } from '../../lib/state/remote-entry.js';
import type { RemoteSettings } from '../../lib/state/remote-settings.js';

const settings = (url: string, namespace: string, keys: { publicKey: string; privateKey?: string }, mode: RemoteSettings['mode'] = 'write'): RemoteSettings => ({
  url,
  mode,
  namespace,
  publicKey: keys.publicKey,
  timeoutMs: 5000,
  signingKey: keys.privateKey ?? null,
});

async function stored(url: string, key: string): Promise<unknown> {
  const c = await connectRemote(settings(url, 'x', { publicKey: '' }), 5000);
  try {
    return (await c.getMany([key]))[0];
  } finally {
    await c.close();
  }
}

perEngine('a CI clone writes signed passes; a second clone with the same content reuses them without running', async (e) => {
  const keys = keyPair();
  const ns = freshNamespace();
  const ci = remoteRepo(keys, ns);
  const dev = cloneOf(ci);
  let res = ci.heph(['run'], { env: writer(e, keys) });
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.not.match(res.stderr, /warning/);
  assert.is(ci.ran(), 1);
  res = dev.heph(['run', '--fast'], { env: reader(e) });
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(dev.ran(), 1, 'the check did not run again');
  assert.match(res.stdout, /q\/lint\s+cached\s+cached \(CI, main, \d+(ms|\.\ds|s) ago\)/);
  const stats = JSON.parse(dev.heph(['stats', '--json']).stdout);
  assert.equal(stats.remote.hits, 1);
  assert.equal(stats.local.hits, 0);
  assert.ok(stats.remote.savedMs >= 0);
  // The status and dry-run say the same.
  assert.match(dev.heph(['status'], { env: reader(e) }).stdout, /up to date: cached \(CI, main,/);
  const json = dev.hephJson(['run', '--fast'], { env: reader(e) }).report;
  assert.equal([json.checks[0].status, json.checks[0].source], ['cached', 'remote']);
  // Without the remote, the clone has nothing of its own.
  assert.match(dev.heph(['run', '--fast', '--dry-run']).stdout, /would run no previous result/);
});

perEngine('a changed input misses the shared cache and runs', async (e) => {
  const keys = keyPair();
  const ns = freshNamespace();
  const ci = remoteRepo(keys, ns);
  const dev = cloneOf(ci);
  assert.is(ci.heph(['run'], { env: writer(e, keys) }).code, 0);
  dev.write('src.txt', 'two\n');
  const res = dev.heph(['run', '--fast'], { env: reader(e) });
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.is(dev.ran(), 2, 'ran again on the changed input');
  assert.match(res.stdout, /q\/lint\s+passed/);
});

perEngine('a declared env variable is in the key: a value other than the writer’s misses (the CREEP case)', async (e) => {
  const keys = keyPair();
  const ci = remoteRepo(keys, freshNamespace(), {}, { env: ['DEPLOY_TARGET'] });
  const dev = cloneOf(ci);
  assert.is(ci.heph(['run'], { env: { ...writer(e, keys), DEPLOY_TARGET: 'prod' } }).code, 0);
  assert.match(dev.heph(['run', '--fast', '--dry-run'], { env: { ...reader(e), DEPLOY_TARGET: 'staging' } }).stdout, /q\/lint\s+would run no previous result/);
  assert.match(dev.heph(['run', '--fast', '--dry-run'], { env: { ...reader(e), DEPLOY_TARGET: undefined } }).stdout, /q\/lint\s+would run/);
  assert.match(dev.heph(['run', '--fast', '--dry-run'], { env: { ...reader(e), DEPLOY_TARGET: 'prod' } }).stdout, /q\/lint\s+cached\s+cached \(CI, main/);
});

perEngine('a reader never writes: mode read with a signing key, and write mode without one, leave the remote empty', async (e) => {
  const keys = keyPair();
  const ns = freshNamespace();
  const r = remoteRepo(keys, ns);
  const fp = JSON.parse(r.heph(['run', '--dry-run', '--json']).stdout).checks[0].fingerprint as string;
  let res = r.heph(['run'], { env: { ...reader(e), HEPH_REMOTE_SIGNING_KEY: keys.privateKey } });
  assert.is(res.code, 0);
  assert.is(await stored(e.url, entryKey(ns, 'q/lint', fp)), undefined);
  res = r.heph(['run'], { env: { ...writer(e, keys), HEPH_REMOTE_SIGNING_KEY: undefined } });
  assert.is(res.code, 0, 'a remote that cannot be written never fails the run');
  assert.match(res.stderr, /remote cache not written \(mode write needs HEPH_REMOTE_SIGNING_KEY/);
  assert.is(await stored(e.url, entryKey(ns, 'q/lint', fp)), undefined);
  // A signing key that is not the trusted one writes nothing either.
  res = r.heph(['run'], { env: { ...writer(e, keys), HEPH_REMOTE_SIGNING_KEY: keyPair().privateKey } });
  assert.match(res.stderr, /does not match settings.remote.publicKey/);
  assert.is(await stored(e.url, entryKey(ns, 'q/lint', fp)), undefined);
  // The control: the right key writes.
  assert.is(r.heph(['run'], { env: writer(e, keys) }).code, 0);
  assert.ok(await stored(e.url, entryKey(ns, 'q/lint', fp)));
});

perEngine(
  'a database role that may only read cannot write, whatever its mode',
  async (e) => {
    const url = process.env.HEPH_TEST_POSTGRES_READER_URL;
    if (!url) throw new Error('HEPH_TEST_POSTGRES_READER_URL is not set: start the servers with .ci/services.sh');
    const keys = keyPair();
    const ns = freshNamespace();
    const r = remoteRepo(keys, ns);
    assert.is(r.heph(['run'], { env: { HEPH_REMOTE_URL: e.url, HEPH_REMOTE_MODE: 'write', HEPH_REMOTE_SIGNING_KEY: keys.privateKey } }).code, 0); // the table exists
    r.write('src.txt', 'changed\n').commitAll('change');
    const fp = JSON.parse(r.heph(['run', '--dry-run', '--json']).stdout).checks[0].fingerprint as string;
    const res = r.heph(['run'], { env: { HEPH_REMOTE_URL: url, HEPH_REMOTE_MODE: 'read-write', HEPH_REMOTE_SIGNING_KEY: keys.privateKey } });
    assert.is(res.code, 0);
    assert.match(res.stderr, /remote cache not written \(.*permission denied/);
    assert.is(await stored(e.url, entryKey(ns, 'q/lint', fp)), undefined);
  },
  ['postgres'],
);

perEngine('20 concurrent writers of one key leave exactly one valid entry', async (e) => {
  const keys = keyPair();
  const ns = freshNamespace();
  const s = settings(e.url, ns, keys);
  const components = { command: 'c', inputs: 'i', inputCount: 1, scope: 'all', env: {}, platform: 'linux/x64', version: 1 };
  const fingerprint = 'f'.repeat(64);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => publish(s, [{ id: 'q/lint', fingerprint, components, durationMs: 100 + i, at: 1000 + i }], { machine: `m${i}`, branch: 'main', heph: 't' }, 10_000)),
  );
  for (const r of results) assert.is(r.error, null);
  assert.is(results.reduce((n, r) => n + r.written, 0), 1, 'one writer won');
  assert.is(results.reduce((n, r) => n + r.existing, 0), 19, 'the others found it there');
  const value = await stored(e.url, entryKey(ns, 'q/lint', fingerprint));
  const pub = parsePublicKey(keys.publicKey);
  const v = verifyEntry(value, { namespace: ns, check: 'q/lint', fingerprint, publicKey: pub, publicKeyId: keyId(pub) });
  assert.ok(v.ok, JSON.stringify(v));
  const winner = results.findIndex((r) => r.written === 1);
  if (v.ok) assert.is(v.entry.machine, `m${winner}`, 'the entry is the winner’s, never overwritten');
  // A later writer does not overwrite it either.
  const again = await publish(s, [{ id: 'q/lint', fingerprint, components, durationMs: 1, at: 9999 }], { machine: 'late', branch: 'main', heph: 't' }, 10_000);
  assert.equal([again.written, again.existing], [0, 1]);
});

perEngine('20 heph processes writing the same pass at once leave one valid entry, and none of them fails', async (e) => {
  const keys = keyPair();
  const ns = freshNamespace();
  const first = remoteRepo(keys, ns);
  const fp = JSON.parse(first.heph(['run', '--dry-run', '--json']).stdout).checks[0].fingerprint as string;
  const clones = Array.from({ length: 20 }, () => cloneOf(first));
  const runs = clones.map((c, i) => spawnHeph(c, ['run'], { env: { ...writer(e, keys), HEPH_REMOTE_MACHINE: `m${i}` }, limitMs: 300_000 }));
  const results = await Promise.all(runs.map((r) => r.done));
  for (const r of results) {
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.not.match(r.stderr, /warning/);
  }
  const pub = parsePublicKey(keys.publicKey);
  const v = verifyEntry(await stored(e.url, entryKey(ns, 'q/lint', fp)), { namespace: ns, check: 'q/lint', fingerprint: fp, publicKey: pub, publicKeyId: keyId(pub) });
  assert.ok(v.ok, JSON.stringify(v));
  if (v.ok) assert.match(v.entry.machine, /^m\d+$/);
});

test.run();
