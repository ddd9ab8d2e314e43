/**
 * The stats page in a real browser (Debian's Chromium, driven by
 * playwright-core): opened from file://, it shows the numbers `heph stats
 * --json` gives, logs no error, fetches nothing, and every table has a legend.
 * A screenshot is kept in build/test-output/. Without Chromium the test is
 * skipped locally and fails in CI (CI=true).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Repo, ROOT } from '../helpers/repo.js';
import { formatStat, type Fmt } from '../../lib/report/format.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(ROOT, 'build', 'test-output');

/** A history with something in every section: misses on an input, a flaky check, a fix, skips, a removed check. */
function history(r: Repo): void {
  const flag = join(r.base, 'flag');
  const checks = [
    { name: 'lint', run: 'true', inputs: ['src/**'] },
    { name: 'flip', shell: true, run: `test ! -e "${flag}"`, inputs: ['src/**'] },
    { name: 'fmt', shell: true, run: 'grep -q tidy src/style.txt', fix: 'echo tidy > src/style.txt', inputs: ['src/style.txt'] },
    { name: 'unit', shell: true, run: 'sleep 0.3', tags: ['test'], inputs: ['src/**', 'uv.lock'] },
    { name: 'old', run: 'true' },
  ];
  r.config({ phases: [{ name: 'quality', checks }] });
  r.write('src/a.py', '1').write('src/style.txt', 'messy').write('uv.lock', '1').commitAll();
  r.heph(['run', '--fast']);
  r.heph(['run', '--fast']);
  r.write('uv.lock', '2');
  r.heph(['run', '--fast']);
  r.write('src/a.py', '2').git('add', 'src/a.py');
  require_ok(r.heph(['hook', 'run', 'pre-commit']).code === 0);
  writeFileSync(flag, '');
  require_ok(r.heph(['run', '--only', 'flip']).code === 1);
  rmSync(flag);
  r.heph(['run', '--fast', '--skip-tests'], { env: { HEPH_SKIP: 'lint' } });
  r.config({ phases: [{ name: 'quality', checks: checks.filter((c) => c.name !== 'old') }] });
}

function require_ok(ok: boolean): void {
  if (!ok) throw new Error('the fixture history did not come out as planned');
}

/** Follows a `|`-separated data-stat path into the JSON (array items by `id` or `key`). */
function lookup(json: any, path: string): unknown {
  let v = json;
  for (const seg of path.split('|')) {
    if (Array.isArray(v)) v = v.find((x) => x.id === seg || x.key === seg);
    else v = v?.[seg];
  }
  return v;
}

const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') {
  test('Chromium is installed (CI needs it for the dashboard test)', () => {
    assert.unreachable(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
  });
} else if (!available) {
  console.log(`skipping the browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
  test.skip('the stats page in Chromium', () => {});
} else {
  test('the stats page, opened from file:// in Chromium, shows the numbers of heph stats --json, with no error and nothing fetched', async () => {
    const r = new Repo();
    const profile = mkdtempSync(join(tmpdir(), 'heph-chromium-'));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1366, height: 768 },
    });
    try {
      history(r);
      const html = join(r.base, 'stats.html');
      const res = r.heph(['stats', '--json', '--html', html]);
      assert.is(res.code, 0, res.stderr);
      const json = JSON.parse(res.stdout);
      assert.ok(json.flaky.length && json.missInputs.length && json.fixes.applied && json.skips.length, 'the fixture exercises every section');

      const page = browser.pages()[0] ?? (await browser.newPage());
      const problems: string[] = [];
      const fetched: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('request', (q) => fetched.push(q.url()));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

      const shown = await page.$$eval('[data-stat]', (els) => els.map((e) => ({ path: e.getAttribute('data-stat')!, fmt: e.getAttribute('data-fmt')!, text: (e as HTMLElement).innerText.trim() })));
      assert.ok(shown.length > 60, `numbers on the page: ${shown.length}`);
      for (const s of shown) {
        const value = lookup(json, s.path);
        assert.type(value, 'number', `${s.path} is a number in the JSON`);
        assert.is(s.text, formatStat(value as number, s.fmt as Fmt), `${s.path} as shown`);
      }
      const paths = new Set(shown.map((s) => s.path));
      for (const p of ['spentMs', 'savedMs', 'hitRate', 'localHits', 'remoteHits', 'runs', 'failedRuns', 'events|pre-commit|runs', 'missInputs|uv.lock|count', `flaky|${json.flaky[0].key}|failed`]) assert.ok(paths.has(p), `${p} is shown`);
      for (const c of json.checks) for (const k of ['runs', 'hits', 'spentMs', 'savedMs', 'hitRate']) assert.ok(paths.has(`checks|${c.id}|${k}`), `checks|${c.id}|${k} is shown`);

      // Every table's columns are explained in the legend under it.
      const legends = await page.$$eval('table', (ts) =>
        ts.map((t) => {
          const heads = [...t.querySelectorAll('th')].map((th) => th.textContent ?? '');
          const dl = t.closest('.scroll')?.nextElementSibling;
          const terms = dl?.matches('dl.legend') ? [...dl.querySelectorAll('dt')].map((d) => d.textContent ?? '') : [];
          return { heads, terms };
        }),
      );
      for (const l of legends) assert.equal(l.terms, l.heads, 'a legend entry per column');
      const removed = await page.$$eval('tr.removed code', (els) => els.map((e) => e.textContent));
      assert.equal(removed, ['quality/old'], 'the check no longer configured is marked removed');

      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, 'stats-dashboard.png'), fullPage: true });
      await page.screenshot({ path: join(OUT, 'stats-dashboard-fold.png') });
      console.log(`screenshots: ${join(OUT, 'stats-dashboard.png')} (whole page), stats-dashboard-fold.png (first screen)`);
      assert.equal(problems, [], 'no console errors');
      assert.equal(fetched.filter((u) => !u.startsWith('file:')), [], 'nothing fetched from the network');
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
      r.cleanup();
    }
  });
}

test.run();
