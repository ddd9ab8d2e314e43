import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Repo, repoPool } from '../helpers/repo.js';
import { alive, spawnHeph, waitFor } from '../helpers/proc.js';
import { webhookServer, type Hooked } from '../helpers/http.js';

const test = suite('webhooks');
const repo = repoPool(test);
let servers: Hooked[] = [];
test.after.each(async () => {
  for (const s of servers) await s.close();
  servers = [];
});
const serve = async (reply: (n: number) => number | 'hang') => {
  const s = await webhookServer(reply);
  servers.push(s);
  return s;
};

const SECRET = `whsec_${Buffer.from('a 32 byte secret for the tests!!').toString('base64')}`;

/**
 * Standard Webhooks verification, written from the specification rather than
 * from heph's code: the key is the base64 after `whsec_`; the signature is
 * base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)); the header may
 * list several space-separated `v1,<sig>`; a timestamp more than 5 minutes
 * from now is refused (replays).
 */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowSec = Math.floor(Date.now() / 1000)): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const ts = String(headers['webhook-timestamp'] ?? '');
  const sigs = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !/^\d+$/.test(ts) || Math.abs(nowSec - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sigs.some((s) => {
    const [version, b64] = s.split(',');
    const got = Buffer.from(b64 ?? '', 'base64');
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

function setup(r: Repo, webhooks: unknown[], check = 'false'): Repo {
  r.config({ settings: { webhooks }, phases: [{ name: 'q', checks: [{ name: 'lint', run: check }] }] });
  r.write('a.txt', '1').commitAll();
  return r;
}

test('a failed run is posted signed per Standard Webhooks; an altered body or a replay later fails verification', async () => {
  const s = await serve(() => 204);
  const r = setup(repo(), [{ url: s.url, secretEnv: 'HOOK_SECRET' }]);
  const run = await spawnHeph(r, ['run'], { env: { HOOK_SECRET: SECRET } }).done;
  assert.is(run.code, 1, 'the run failed, and says so regardless of the webhook');
  assert.is(s.received.length, 1);
  const { headers, body } = s.received[0];
  assert.match(String(headers['webhook-id']), /^msg_[0-9a-f]{32}$/);
  assert.match(String(headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
  assert.ok(verify(SECRET, headers, body), 'the signature verifies');
  const payload = JSON.parse(body);
  assert.is(payload.type, 'heph.run.failed');
  assert.is(payload.data.schema, 'heph-run-summary');
  assert.is(payload.data.outcome, 'failed');
  assert.equal(payload.data.checks.map((c: any) => [c.id, c.status]), [['q/lint', 'failed']]);
  assert.not.ok(body.includes(SECRET), 'the secret is never sent');
  assert.not.ok(verify(SECRET, headers, body.replace('"failed"', '"passed"')), 'an altered body fails');
  assert.not.ok(verify(SECRET, headers, body, Number(headers['webhook-timestamp']) + 3600), 'the same message replayed an hour later fails');
  assert.not.ok(verify(`whsec_${Buffer.from('another secret of thirty-two b!!').toString('base64')}`, headers, body), 'another secret fails');
});

test('outcomes and hooks not configured are not sent; pre-commit is off unless listed', async () => {
  const s = await serve(() => 200);
  const r = setup(repo(), [{ url: s.url, secretEnv: 'HOOK_SECRET', events: ['failed'] }], 'true');
  assert.is((await spawnHeph(r, ['run'], { env: { HOOK_SECRET: SECRET } }).done).code, 0);
  r.write('a.txt', '2').git('add', 'a.txt');
  r.config({ settings: { webhooks: [{ url: s.url, secretEnv: 'HOOK_SECRET', events: ['failed', 'passed'] }] }, phases: [{ name: 'q', checks: [{ name: 'lint', run: 'false', files: ['*.txt'] }] }] });
  r.git('add', '.heph.json');
  assert.is((await spawnHeph(r, ['hook', 'run', 'pre-commit'], { env: { HOOK_SECRET: SECRET } }).done).code, 1);
  assert.is(s.received.length, 0, 'a passed run with only "failed" configured, and a pre-commit by default, send nothing');
  r.config({ settings: { webhooks: [{ url: s.url, secretEnv: 'HOOK_SECRET', hooks: ['pre-commit'] }] }, phases: [{ name: 'q', checks: [{ name: 'lint', run: 'false', files: ['*.txt'] }] }] });
  r.git('add', '.heph.json'); // a commit is checked by the staged config
  assert.is((await spawnHeph(r, ['hook', 'run', 'pre-commit'], { env: { HOOK_SECRET: SECRET } }).done).code, 1);
  assert.is(s.received.length, 1, 'listed, pre-commit sends');
  assert.is(JSON.parse(s.received[0].body).data.hook, 'pre-commit');
});

test('a server that never answers: heph gives up within its budget, tries twice at most, and exits with the run’s own code while the server still holds the request', async () => {
  const s = await serve(() => 'hang');
  const r = setup(repo(), [{ url: s.url, secretEnv: 'HOOK_SECRET', events: ['passed'], timeout: '1s' }], 'true');
  const events = s.events;
  const run = await spawnHeph(r, ['run'], { env: { HOOK_SECRET: SECRET }, limitMs: 20_000 }).done;
  events.push('heph exited');
  assert.is(run.signal, null, 'heph ended on its own, not killed by the test’s bound');
  assert.is(run.code, 0, 'the webhook does not fail the run');
  assert.is(s.received.length, 2, 'one try and one retry');
  assert.ok(s.received.every((x) => !x.answered), 'the server never answered');
  assert.equal(events, ['request', 'abandoned', 'request', 'abandoned', 'heph exited'], 'heph gave up on each try itself, then exited');
  assert.is(s.received[0].headers['webhook-id'], s.received[1].headers['webhook-id'], 'a retry is the same message');
  assert.match(run.stderr, /webhook settings\.webhooks\[0\] \(http:\/\/127\.0\.0\.1:\d+\): passed not delivered after 2 tries: timed out/);
});

test('delivery happens after the run lock is released: another run does not wait for a slow webhook', async () => {
  const s = await serve(() => 'hang');
  const r = repo();
  r.config({ settings: { webhooks: [{ url: s.url, secretEnv: 'HOOK_SECRET', timeout: '60s' }] }, phases: [{ name: 'q', checks: [{ name: 'bad', run: 'false' }, { name: 'good', run: 'true' }] }] });
  r.write('a.txt', '1').commitAll();
  const a = spawnHeph(r, ['run', '--only', 'bad'], { env: { HOOK_SECRET: SECRET } });
  await waitFor(() => s.received.length === 1, 'the first run to post its failure');
  const b = await spawnHeph(r, ['run', '--only', 'good'], { env: { HOOK_SECRET: SECRET } }).done;
  assert.is(b.code, 0, b.stderr);
  assert.not.match(b.stderr, /waiting/, 'the second run did not wait for the lock');
  assert.ok(alive(a.pid), 'the first run is still delivering');
  assert.equal(s.events, ['request'], 'its request is still held, unanswered');
  await s.close();
  assert.is((await a.done).code, 1, 'the first run ends with its own result once the server goes away');
});

test('a 500 is retried once, logged in the run log, shown by heph doctor, and leaves the exit code alone', async () => {
  const s = await serve(() => 500);
  const r = setup(repo(), [{ url: s.url, format: 'slack', events: ['passed', 'failed'] }], 'true');
  const run = await spawnHeph(r, ['run']).done;
  assert.is(run.code, 0);
  assert.is(s.received.length, 2);
  const log = r.heph(['logs']).stdout;
  assert.match(log, /webhook settings\.webhooks\[0\] \(http:\/\/127\.0\.0\.1:\d+\): passed not delivered after 2 tries: HTTP 500/);
  const doctor = r.heph(['doctor']);
  assert.match(doctor.stdout, /✖ webhooks\s+settings\.webhooks\[0\] .*HTTP 500/);
  // The next good delivery clears it.
  const ok = await serve(() => 200);
  r.config({ settings: { webhooks: [{ url: ok.url, format: 'slack', events: ['passed'] }] }, phases: [{ name: 'q', checks: [{ name: 'lint', run: 'true' }] }] });
  assert.is((await spawnHeph(r, ['run']).done).code, 0);
  assert.match(r.heph(['doctor']).stdout, /✔ webhooks\s+1 configured, last deliveries succeeded/);
});

test('slack gets {text, blocks} and no signature; a webhook whose secret is not set here sends nothing and notes it in the run log only', async () => {
  const s = await serve(() => 200);
  const r = setup(repo(), [
    { url: 'env:SLACK_URL', format: 'slack' },
    { url: s.url, secretEnv: 'UNSET_SECRET' },
  ]);
  const run = await spawnHeph(r, ['run'], { env: { SLACK_URL: s.url } }).done;
  assert.is(run.code, 1);
  assert.is(s.received.length, 1, 'only the slack message: the unsigned one is not sent');
  const msg = JSON.parse(s.received[0].body);
  assert.equal(Object.keys(msg).sort(), ['blocks', 'text']);
  assert.match(msg.text, /heph run: failed .*failed: q\/lint/);
  assert.is(s.received[0].headers['webhook-signature'], undefined);
  const log = r.heph(['logs']).stdout;
  assert.match(log, /webhook settings\.webhooks\[1\] \(http:\/\/127\.0\.0\.1:\d+\): failed not sent: the signing secret variable UNSET_SECRET is not set here/);
  assert.not.match(run.stderr, /webhook/, 'a webhook whose secret is not set on this machine is not meant to fire here: no warning');
  assert.match(r.heph(['doctor'], { env: { SLACK_URL: s.url } }).stdout, /✔ webhooks\s+2 configured, last deliveries succeeded; not sent from here while UNSET_SECRET is unset/);
  assert.match(log, /webhook settings\.webhooks\[0\] \(env:SLACK_URL\): failed sent \(HTTP 200\)/, 'an env URL is named by its variable');
  assert.not.ok(log.includes(s.url), 'the slack URL itself (a secret) is not logged');
});

test('an interrupted run is sent as "interrupted" once heph has stopped its checks, and still exits 130', async () => {
  const s = await serve(() => 200);
  const r = repo();
  const marker = `${r.base}/started`;
  r.config({ settings: { webhooks: [{ url: s.url, secretEnv: 'HOOK_SECRET', events: ['interrupted'] }] }, phases: [{ name: 'q', checks: [{ name: 'slow', shell: true, run: `touch "${marker}"; sleep 30` }] }] });
  r.write('a.txt', '1').commitAll();
  const run = spawnHeph(r, ['run'], { env: { HOOK_SECRET: SECRET } });
  await waitFor(() => existsSync(marker), 'the check to start');
  run.child.kill('SIGINT');
  const res = await run.done;
  assert.is(res.code, 130, res.stderr);
  assert.is(s.received.length, 1);
  const payload = JSON.parse(s.received[0].body);
  assert.is(payload.type, 'heph.run.interrupted');
  assert.is(payload.data.report.interrupted, 'SIGINT');
  assert.ok(verify(SECRET, s.received[0].headers, s.received[0].body));
});

test('a webhook URL that is not a URL is a warning, never an error of the run', async () => {
  const r = setup(repo(), [{ url: 'env:BAD_URL', format: 'slack' }]);
  const res = await spawnHeph(r, ['run'], { env: { BAD_URL: 'http://[' } }).done;
  assert.is(res.code, 1, 'the failing check decides the exit code');
  assert.match(res.stderr, /settings\.webhooks\[0\] \(env:BAD_URL\): failed not delivered after 1 try: not a valid URL/);
  assert.not.match(res.stderr, /unexpected error/);
});

test('a standard webhook without secretEnv is a config error naming the field', () => {
  const r = repo();
  r.config({ settings: { webhooks: [{ url: 'https://example.com/h' }, { url: 'ftp://x', format: 'teams' }] }, phases: [{ name: 'q', checks: [{ name: 'a', run: 'true' }] }] });
  const res = r.heph(['run']);
  assert.is(res.code, 2);
  assert.match(res.stderr, /settings\.webhooks\[0\]\.secretEnv/);
  assert.match(res.stderr, /settings\.webhooks\[1\]\.url/);
  assert.match(res.stderr, /settings\.webhooks\[1\]\.format/);
});

test('the run summary is written for heph run (--summary) and hooks (HEPH_SUMMARY), whole and versioned', () => {
  const r = repo();
  r.config({ phases: [{ name: 'q', checks: [{ name: 'lint', run: 'true', files: ['*.txt'], env: ['TOKEN'] }, { name: 'other', run: 'true', inputs: ['b/**'] }] }] });
  r.write('a.txt', '1').write('b/c', '1').commitAll();
  const file = `${r.base}/summary.json`;
  assert.is(r.heph(['run', '--summary', file], { env: { TOKEN: 'hunter2' } }).code, 0);
  let s = JSON.parse(readFileSync(file, 'utf8'));
  assert.is(s.schema, 'heph-run-summary');
  assert.is(s.version, 1);
  assert.is(s.hook, 'run');
  assert.is(s.outcome, 'passed');
  assert.is(s.report.version, 1);
  assert.match(s.repo.head, /^[0-9a-f]{40}$/);
  assert.is(s.repo.branch, 'main');
  const lint = s.checks.find((c: any) => c.id === 'q/lint');
  assert.equal(lint.files, ['a.txt']);
  assert.equal(lint.decision, { action: 'run', reason: 'full mode' });
  assert.equal(Object.keys(lint.components).sort(), ['command', 'env', 'inputCount', 'inputs', 'platform', 'scope', 'version']);
  assert.not.ok(JSON.stringify(s).includes('hunter2'), 'env values are never written, only their digests');
  assert.is(typeof lint.timings.endedAtMs, 'number');
  r.write('b/c', '2');
  const dir = `${r.base}/summaries/`;
  assert.is(r.heph(['run', '--fast'], { env: { HEPH_SUMMARY: dir, TOKEN: 'hunter2' } }).code, 0);
  const [one] = readdirSync(dir);
  s = JSON.parse(readFileSync(dir + one, 'utf8'));
  const other = s.checks.find((c: any) => c.id === 'q/other');
  assert.equal(other.decision, { action: 'run', reason: 'inputs changed: b/c' });
  assert.equal(other.changedInputs, ['b/c']);
  assert.is(s.checks.find((c: any) => c.id === 'q/lint').status, 'cached');
  assert.is(s.checks.find((c: any) => c.id === 'q/lint').source, 'local');
  r.write('a.txt', '3').git('add', 'a.txt');
  const hookFile = `${r.base}/hook-summary.json`;
  assert.is(r.heph(['hook', 'run', 'pre-commit'], { env: { HEPH_SUMMARY: hookFile, TOKEN: 'hunter2' } }).code, 0);
  s = JSON.parse(readFileSync(hookFile, 'utf8'));
  assert.is(s.hook, 'pre-commit');
  assert.is(s.report.event, 'pre-commit');
  assert.equal(s.checks.find((c: any) => c.id === 'q/lint').files, ['a.txt'], 'the staged file it was given');
});

test.run();
