/**
 * The shared cache cannot be poisoned and cannot block: unsigned, altered,
 * wrong-key, wrong-namespace and replayed entries are ignored with a reason;
 * a server that stops mid-run or answers too slowly leaves the run to local
 * results with one warning. The faults sit on loopback, in front of the real
 * engines: a TCP proxy the test can stop or slow down.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshNamespace, keyPair, perEngine, reader, remoteRepo, writer, type Engine, type Keys } from '../helpers/remote.js';
import { spawnHeph, waitFor } from '../helpers/proc.js';
import { connectRemote } from '../../lib/state/remote.js';
import { ENTRY_VERSION, entryKey, signEntry, parsePrivateKey, type EntryPayload } from '../../lib/state/remote-entry.js';

interface Proxy {
  url: string;
  /** Drops every connection and refuses new ones, as a stopped server does. */
  stop(): Promise<void>;
}

/** A loopback TCP proxy to the engine; `delayMs` holds back each reply from the server that long. */
async function proxy(e: Engine, delayMs = 0): Promise<Proxy> {
  const target = new URL(e.url);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      if (!delayMs) return void client.write(chunk);
      const t = setTimeout(() => (timers.delete(t), client.write(chunk)), delayMs);
      timers.add(t);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(e.url);
  url.port = String(port);
  return {
    url: url.toString(),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function payload(ns: string, fingerprint: string, over: Partial<EntryPayload> = {}): EntryPayload {
  const components = { command: 'c', inputs: 'i', inputCount: 1, scope: 'all', env: {}, platform: 'linux/x64', version: 1 };
  return { v: ENTRY_VERSION, namespace: ns, check: 'q/lint', fingerprint, components, status: 'passed', durationMs: 50, at: Date.now(), machine: 'CI', branch: 'main', heph: 't', ...over };
}

const forgeries: [string, (ns: string, fp: string, keys: Keys) => unknown, RegExp | null][] = [
  ['unsigned', (ns, fp) => ({ payload: JSON.stringify(payload(ns, fp)), sig: '', key: '' }), /remote entry ignored: unsigned entry/],
  ['altered after signing', (ns, fp, k) => {
    const e = signEntry(payload(ns, fp), parsePrivateKey(k.privateKey));
    return { ...e, payload: e.payload.replace('"durationMs":50', '"durationMs":51') };
  }, /remote entry ignored: bad signature/],
  ['signed with another key', (ns, fp) => signEntry(payload(ns, fp), parsePrivateKey(keyPair().privateKey)), /remote entry ignored: signed with another key/],
  ['signed for another namespace', (ns, fp, k) => signEntry(payload('other', fp), parsePrivateKey(k.privateKey)), /remote entry ignored: entry of namespace "other"/],
  ['replayed from another fingerprint', (ns, _fp, k) => signEntry(payload(ns, 'a'.repeat(64)), parsePrivateKey(k.privateKey)), /remote entry ignored: entry for another fingerprint/],
  ['not an entry at all', () => 'garbage', /remote entry ignored: unreadable entry/],
  ['the control: signed rightly', (ns, fp, k) => signEntry(payload(ns, fp), parsePrivateKey(k.privateKey)), null],
];

for (const [what, forge, rejected] of forgeries) {
  perEngine(`an entry ${what} is ${rejected ? 'ignored with its reason in --dry-run and status, and the check runs' : 'used'}`, async (e) => {
    const keys = keyPair();
    const ns = freshNamespace();
    const r = remoteRepo(keys, ns);
    const fp = JSON.parse(r.heph(['run', '--dry-run', '--json']).stdout).checks[0].fingerprint as string;
    const c = await connectRemote({ url: e.url, mode: 'write', namespace: ns, publicKey: keys.publicKey, timeoutMs: 5000, signingKey: null }, 5000);
    assert.ok(await c.putOnce(entryKey(ns, 'q/lint', fp), forge(ns, fp, keys)));
    await c.close();
    const dry = r.heph(['run', '--fast', '--dry-run'], { env: reader(e) });
    const status = r.heph(['status'], { env: reader(e) });
    const run = r.heph(['run', '--fast'], { env: reader(e) });
    assert.is(run.code, 0, run.stdout + run.stderr);
    if (rejected) {
      assert.match(dry.stdout, rejected);
      assert.match(status.stdout, rejected);
      assert.is(r.ran(), 1, 'the check ran');
    } else {
      assert.match(dry.stdout, /q\/lint\s+cached\s+cached \(CI, main/);
      assert.is(r.ran(), 0, 'the check was reused');
    }
  });
}

perEngine('a server that stops mid-run: the run passes on local results with one warning, and the next run too', async (e) => {
  const keys = keyPair();
  const p = await proxy(e);
  const r = remoteRepo(keys, freshNamespace());
  // The check waits, while running, for the test to stop the server.
  const started = join(r.base, 'started');
  const stopped = join(r.base, 'stopped');
  r.config({
    settings: { remote: { namespace: freshNamespace(), publicKey: keys.publicKey, timeout: '2s' } },
    phases: [{ name: 'q', checks: [{ name: 'lint', shell: true, run: `touch '${started}'; while [ ! -f '${stopped}' ]; do sleep 0.05; done` }] }],
  });
  const env = { ...writer(e, keys), HEPH_REMOTE_URL: p.url, HEPH_REMOTE_MODE: 'read-write' };
  const run = spawnHeph(r, ['run', '--fast'], { env: env as Record<string, string>, limitMs: 60_000 });
  await waitFor(() => existsSync(started), 'the check to start');
  await p.stop();
  writeFileSync(stopped, '');
  const res = await run.done;
  assert.is(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /q\/lint\s+passed/);
  assert.is(res.stderr.match(/warning/g)?.length, 1, res.stderr);
  assert.match(res.stderr, /remote cache not written \(/);
  // Down from the start: one warning, and the local result is reused.
  const again = r.heph(['run', '--fast'], { env });
  assert.is(again.code, 0);
  assert.match(again.stdout, /q\/lint\s+cached/);
  assert.is(again.stderr.match(/warning/g)?.length ?? 0, 0, 'nothing to ask the remote: the local result is fresh');
  r.write('x', 'new file, so the check would run').commitAll('x');
  writeFileSync(stopped, '');
  const third = r.heph(['run', '--fast', '--dry-run'], { env });
  assert.match(third.stderr, /remote cache unavailable \(cannot connect/);
  assert.is(third.stderr.match(/warning/g)?.length, 1);
  // A check that runs with the server down: asked once, warned once, not written to.
  const fourth = r.heph(['run', '--fast'], { env });
  assert.is(fourth.code, 0);
  assert.match(fourth.stdout, /q\/lint\s+passed/);
  assert.is(fourth.stderr.match(/warning/g)?.length, 1, fourth.stderr);
  // heph doctor says what happened.
  const doc = r.heph(['doctor'], { env });
  assert.match(doc.stdout, /remote .* unreachable: cannot connect/);
  assert.match(doc.stdout, /last error .* ago/);
});

perEngine('a server too slow to answer: the run goes on within its budget, local results only, one warning', async (e) => {
  const keys = keyPair();
  // Replies held back far longer than the test may last: heph finishing at all shows it did not wait for them.
  const p = await proxy(e, 10 * 60_000);
  try {
    const r = remoteRepo(keys, freshNamespace(), { timeout: '300ms' });
    const env = { HEPH_REMOTE_URL: p.url, HEPH_REMOTE_MODE: 'read' };
    for (const args of [['run', '--fast'], ['hook', 'run', 'pre-commit']]) {
      if (args[0] === 'hook') r.write('src.txt', 'staged\n').git('add', 'src.txt');
      const started = performance.now();
      const res = await spawnHeph(r, args, { env, limitMs: 120_000 }).done;
      console.log(`  ${e.name}: heph ${args.join(' ')} with a stalled remote took ${Math.round(performance.now() - started)} ms`);
      assert.is(res.signal, null, 'heph finished on its own');
      assert.is(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /q\/lint\s+passed/);
      assert.is(res.stderr.match(/warning/g)?.length, 1, res.stderr);
      assert.match(res.stderr, /remote cache unavailable \(.*(longer than 300 ms|cannot connect)/);
    }
  } finally {
    await p.stop();
  }
});

test.run();
