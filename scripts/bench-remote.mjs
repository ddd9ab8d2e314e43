// What the shared result cache adds to a pre-commit hook, on loopback: `heph
// hook run pre-commit` with one whole-repository check, as a local hit, a
// remote hit (Redis, PostgreSQL) and a miss (with and without a remote to ask).
// Needs the servers: eval "$(.ci/services.sh)"; then node scripts/bench-remote.mjs [runs].
// Scenarios run in interleaved rounds; figures are medians, and ratios are to a
// reference measured in the same rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.argv[2] ?? 15);
const CLI = resolve('dist/cli.cjs');
const REDIS = process.env.HEPH_TEST_REDIS_URL;
const PG = process.env.HEPH_TEST_POSTGRES_URL;
if (!REDIS || !PG) {
  console.error('HEPH_TEST_REDIS_URL and HEPH_TEST_POSTGRES_URL are needed: eval "$(.ci/services.sh)"');
  process.exit(2);
}

const base = mkdtempSync(join(tmpdir(), 'heph-bench-remote-'));
const dir = join(base, 'repo');
mkdirSync(dir);
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', NO_COLOR: '1' };
delete env.NODE_EXTRA_CA_CERTS; // adds ~28 ms to each Node start on these machines
for (const k of Object.keys(env)) if (k.startsWith('HEPH_') && !k.startsWith('HEPH_TEST_')) delete env[k];
const git = (...args) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
git('init', '-q', '-b', 'main');
for (let i = 0; i < 200; i++) writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n`);
writeFileSync(
  join(dir, '.heph.json'),
  JSON.stringify({
    // A budget far above the cost, so the figures show what a lookup costs rather than where it was cut off.
    settings: { remote: { timeout: '10s', namespace: `bench-${randomBytes(4).toString('hex')}`, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } },
    phases: [{ name: 'q', checks: [{ name: 'typecheck', run: 'true' }] }],
  }),
);
git('add', '-A');
git('commit', '-q', '-m', 'init');
writeFileSync(join(dir, 'f0.txt'), 'staged change\n');
git('add', 'f0.txt');

const home = (name) => join(base, `state-${name}`);
const hook = (extra) => spawnSync(process.execPath, [CLI, 'hook', 'run', 'pre-commit'], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' });
const writer = (url) => ({ HEPH_HOME: home('writer'), HEPH_REMOTE_URL: url, HEPH_REMOTE_MODE: 'write', HEPH_REMOTE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), CI: 'true' });

function expect(res, pattern, what) {
  if (res.status !== 0 || !pattern.test(res.stdout) || /warning/.test(res.stderr)) {
    console.error(`${what}: unexpected output (exit ${res.status})\n${res.stdout}\n${res.stderr}`);
    process.exit(1);
  }
}

function rounds(scenarios, before) {
  const times = new Map(scenarios.map((s) => [s.name, []]));
  for (let i = 0; i < RUNS + 1; i++) {
    for (const s of scenarios) {
      before?.();
      const t = process.hrtime.bigint();
      const res = hook(s.env);
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      expect(res, s.expect, s.name);
      if (i > 0) times.get(s.name).push(ms); // the first round warms the caches
    }
  }
  const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return scenarios.map((s) => ({ name: s.name, ms: median(times.get(s.name)) }));
}

// Hits: the writer publishes the staged state's pass to both engines, a local store is primed.
rmSync(home('writer'), { recursive: true, force: true });
expect(hook(writer(REDIS)), /passed/, 'write to Redis');
rmSync(home('writer'), { recursive: true, force: true });
expect(hook(writer(PG)), /passed/, 'write to PostgreSQL');
expect(hook({ HEPH_HOME: home('local') }), /passed/, 'prime the local store');
const hits = rounds([
  { name: 'local hit, no remote (reference)', env: { HEPH_HOME: home('local') }, expect: /cached\s+cached \d/ },
  { name: 'local hit, Redis configured', env: { HEPH_HOME: home('local'), HEPH_REMOTE_URL: REDIS }, expect: /cached\s+cached \d/ },
  { name: 'remote hit, Redis', env: { HEPH_HOME: home('redis'), HEPH_REMOTE_URL: REDIS }, expect: /cached\s+cached \(CI/ },
  { name: 'remote hit, PostgreSQL', env: { HEPH_HOME: home('pg'), HEPH_REMOTE_URL: PG }, expect: /cached\s+cached \(CI/ },
]);
// Misses: a new staged content before every run, so neither store has it and the check runs.
let n = 0;
const misses = rounds(
  [
    { name: 'miss, no remote (reference)', env: { HEPH_HOME: home('miss') }, expect: /passed/ },
    { name: 'miss, Redis asked', env: { HEPH_HOME: home('miss'), HEPH_REMOTE_URL: REDIS }, expect: /passed/ },
    { name: 'miss, PostgreSQL asked', env: { HEPH_HOME: home('miss'), HEPH_REMOTE_URL: PG }, expect: /passed/ },
  ],
  () => {
    writeFileSync(join(dir, 'f1.txt'), `change ${n++}\n`);
    git('add', 'f1.txt');
  },
);

console.log(`heph hook run pre-commit, 200-file repository, one whole-repository check, median of ${RUNS} interleaved runs, node ${process.version}`);
for (const group of [hits, misses]) {
  const ref = group[0].ms;
  for (const r of group) console.log(`${r.name.padEnd(36)} ${r.ms.toFixed(1).padStart(7)} ms  ${(r.ms / ref).toFixed(2)}x  (${r.ms - ref >= 0 ? '+' : ''}${(r.ms - ref).toFixed(1)} ms)`);
}
rmSync(base, { recursive: true, force: true });
