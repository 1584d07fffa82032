/**
 * The demo end to end, in a real browser: `scripts/demo.ts` runs as a child process (embedded Kinesis, the
 * SageMaker emulator, Eddy; this file's private Redis via REDIS_URL) replaying two NAB series fast; Debian's
 * chromium, driven by playwright-core, opens the dashboard it prints. The test checks that the charts hold data
 * points, the band marks readings outside it, the status moves, the SageMaker sink writes, and that a charted
 * feature vector equals the online API's at the same instant; it saves a screenshot (docs/dashboard.png with
 * UPDATE_SCREENSHOT=1, else a temporary file). Ctrl-C (SIGINT) must stop the demo cleanly and leave the Redis
 * it did not start as it found it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '../../src/runtime/redis-server.js';
import { privateRedis } from '../helpers/redis.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? 'docs/dashboard.png'
  : join(tmpdir(), 'eddy-dashboard.png');

/** What the page exposes as window.eddyDashboard (the parts read here). */
interface DashboardState {
  readings: { t: number; v: number }[];
  history: { t: number; values: Record<string, number | null> }[];
  windows: Record<string, unknown[]>;
  watermark: number | null;
  outliers: number;
  entity: string;
  status: { counts: { accepted: number } } | null;
  sink: { state?: { written: number } } | null;
  trends: string[];
  scores: string[];
}

/** Resolves with the dashboard URL the demo prints; rejects if it exits or stays silent. */
function dashboardUrl(child: ChildProcess, output: { out: string; err: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no dashboard URL in time:\n${output.out}\n${output.err}`)),
      60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output.out += chunk.toString();
      const m = /Dashboard\s+(http:\/\/\S+)/.exec(output.out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output.err += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}):\n${output.out}\n${output.err}`));
    });
  });
}

async function untilAnswers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/*
 * Page-side functions run in the browser: the project is typed for Node (no DOM library), so the little they touch
 * is declared here; and they hold no named inner functions (tsx would wrap those in a helper the page lacks).
 * They are functions, not strings: the page's Content-Security-Policy forbids eval.
 */
declare const window: { eddyDashboard: DashboardState };
declare const document: {
  querySelector(selector: string): { textContent: string | null; dataset: Record<string, string> };
};
const state = (page: Page) => page.evaluate(() => window.eddyDashboard);
const WAIT = { polling: 100 } as const;
const accepted = async (page: Page) =>
  Number(((await page.textContent('#count-accepted')) ?? '').replace(/,/g, ''));

test('npm run demo: the dashboard charts the replay live, and Ctrl-C stops everything', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  const redis = await privateRedis();
  // A known port, so the browser can open the dashboard before the replay starts (the page waits for the view).
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    REDIS_URL: redis.url,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'EDDY_KEY_PREFIX',
    'EDDY_API_KEYS',
    'KINESIS_ENDPOINT',
    'SAGEMAKER_FEATURESTORE_ENDPOINT',
    'HOST',
  ])
    delete env[name];
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/demo.ts',
      '--speed',
      '2d',
      '--sensors',
      'machine_temperature,cpu_utilization,ec2_latency',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const output = { out: '', err: '' };
  const printed = dashboardUrl(child, output);
  printed.catch(() => {}); // awaited below
  const profile = await mkdtemp(join(tmpdir(), 'eddy-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  t.after(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await untilAnswers(`${base}/healthz`, 60_000);
  await page.goto(`${base}/dashboard/?view=nab_sensors&entity=machine_temperature`);
  const url = await printed;
  assert.equal(url, `${base}/dashboard/?view=nab_sensors&entity=machine_temperature`);
  assert.match(
    output.out,
    /curl -s '.*\/v1\/feature-views\/nab_sensors\/entities\/machine_temperature\?asOf=latest'/,
  );

  // Charts fill: readings from the events route, the rolling history from feature reads.
  await page.waitForFunction(
    () =>
      Number(document.querySelector('#chart-readings').dataset.points) > 200 &&
      Number(document.querySelector('#chart-features').dataset.points) > 5 &&
      Number(document.querySelector('#chart-scores').dataset.points) > 5 &&
      Number(document.querySelector('#count-accepted').textContent?.replace(/,/g, '')) > 0,
    null,
    { ...WAIT, timeout: 45_000 },
  );
  for (const id of ['chart-readings', 'chart-features', 'chart-scores']) {
    assert.ok(Number(await page.getAttribute(`#${id}`, 'data-points')) > 5, `${id} holds data points`);
    assert.equal(await page.locator(`#${id} canvas`).count(), 1);
  }
  // The demo view's p95 is on the rolling-features chart, its z-score on the scores chart, with values.
  const charted = await state(page);
  assert.ok(charted.trends.includes('value_p95_1d'), JSON.stringify(charted.trends));
  assert.ok(charted.scores.includes('value_zscore_1d'), JSON.stringify(charted.scores));
  assert.ok(
    charted.history.some(
      (p) => Number.isFinite(p.values.value_p95_1d) && Number.isFinite(p.values.value_zscore_1d),
    ),
    'p95 and z-score read',
  );
  assert.equal((await state(page)).windows.machine_temperature?.length, 4, 'NAB anomaly windows loaded');

  // The status moves while the replay runs.
  const before = await accepted(page);
  await page.waitForFunction(
    (n) => Number(document.querySelector('#count-accepted').textContent?.replace(/,/g, '')) > n,
    before,
    { ...WAIT, timeout: 20_000 },
  );
  assert.ok((await accepted(page)) > before);
  assert.match((await page.textContent('#records-rate')) ?? '', /rec\/s/);
  assert.equal(await page.locator('#sources tbody tr').count(), 2, 'one row per shard');
  const shardRecords = await page.locator('#sources tbody tr td:nth-child(3)').allTextContents();
  assert.ok(
    shardRecords.every((n) => Number(n.replace(/,/g, '')) > 0),
    `both shards read: ${shardRecords}`,
  );

  // Past the labelled failures of mid-December 2013 the ± 3σ band has readings outside it; the sink has written.
  await page.waitForFunction(
    (after) =>
      (window.eddyDashboard.watermark ?? 0) >= after &&
      window.eddyDashboard.outliers > 0 &&
      (window.eddyDashboard.sink?.state?.written ?? 0) > 0,
    Date.parse('2013-12-19T00:00:00Z'),
    { ...WAIT, timeout: 30_000 },
  );
  assert.match((await page.textContent('#sink-state')) ?? '', /in sync|writing/);
  // The demo's records are nested: the transform card shows the view's CEL fields.
  assert.equal(await page.textContent('#transform-state'), 'CEL');
  assert.deepEqual(await page.locator('#transform td.code').allTextContents(), [
    'device.id',
    'reading.ts',
    'reading.value',
  ]);
  assert.equal(await page.textContent('#count-filtered'), '0');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Another entity, whose 14 days are replayed by now (its last reading: 2014-03-21 03:41 UTC). Every feature vector
  // the page charted for it (reads within allowedLateness of the watermark are exact) is what the online API
  // serves as of the same instant, and its last charted reading is the API's most recent event.
  await page.fill('#entity', 'ec2_latency');
  await page.dispatchEvent('#entity', 'change');
  const END = Date.parse('2014-03-21T03:41:00Z');
  await page.waitForFunction(
    (end) =>
      window.eddyDashboard.entity === 'ec2_latency' &&
      window.eddyDashboard.watermark === end &&
      window.eddyDashboard.history.length > 10,
    END,
    { ...WAIT, timeout: 20_000 },
  );
  const s = await state(page);
  const points = s.history.filter((p) => p.t >= END - 86_400_000);
  assert.ok(points.length > 10);
  for (const point of points) {
    const api = await fetch(`${base}/v1/feature-views/nab_sensors/entities/ec2_latency?asOf=${point.t}`);
    assert.equal(api.status, 200);
    assert.deepEqual(
      ((await api.json()) as { values: unknown }).values,
      point.values,
      `as of ${new Date(point.t).toISOString()}`,
    );
  }
  const last = s.readings.at(-1)!;
  assert.equal(last.t, END);
  const events = await fetch(
    `${base}/v1/feature-views/nab_sensors/entities/ec2_latency/events?field=value&limit=1`,
  );
  assert.deepEqual(((await events.json()) as { events: unknown }).events, [
    { eventTime: new Date(END).toISOString(), value: last.v },
  ]);
  assert.deepEqual(pageErrors, []);

  // Ctrl-C: a clean stop; the Redis it did not start keeps running, without the demo's keys.
  // The shutdown is phased and bounded: on a loaded machine a phase may run out of time (exit 1, said so), but
  // the process still ends and takes everything it started with it.
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  const code = await exited;
  assert.ok(
    code === 0 || (code === 1 && /did not finish in time/.test(output.out)),
    `exit ${code}: ${output.err}`,
  );
  assert.match(output.out, /demo: stopping…\n[\s\S]*demo: stopped/);
  await assert.rejects(fetch(`${base}/healthz`));
  const client = new Redis(redis.url);
  t.after(() => client.disconnect());
  assert.equal(await client.dbsize(), 0, 'the demo deleted its keys');
});
