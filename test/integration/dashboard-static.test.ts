/**
 * The dashboard's files as Eddy serves them (the real app): the page, its script, uPlot from the installed
 * package (no CDN), NAB's anomaly windows; open even where the API needs keys; absent from the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEddy, type TestEddy } from '../helpers/eddy.js';

let eddy: TestEddy;
before(async () => {
  eddy = await startEddy({ EDDY_API_KEYS: 'admin:dashboard-test-key' });
});
after(() => eddy.close());

const get = (url: string) => eddy.app.inject({ url });

describe('dashboard files', () => {
  test('/dashboard redirects to the page; the page loads its script and uPlot from this origin', async () => {
    const redirect = await get('/dashboard');
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers.location, '/dashboard/');
    const keeps = await get('/dashboard?view=v&entity=e');
    assert.equal(keeps.headers.location, '/dashboard/?view=v&entity=e');
    const page = await get('/dashboard/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<script type="module" src="dashboard\.js"><\/script>/);
    assert.match(page.body, /href="vendor\/uplot\/uPlot\.min\.css"/);
    assert.doesNotMatch(page.body, /https?:\/\/(?!127\.)/, 'no third-party URLs');
    const script = await get('/dashboard/dashboard.js');
    assert.equal(script.statusCode, 200);
    assert.match(script.headers['content-type'] as string, /javascript/);
    assert.match(script.body, /from '\.\/vendor\/uplot\/uPlot\.esm\.js'/);
  });

  test('the root sends a browser to the dashboard', async () => {
    const root = await get('/');
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/dashboard/');
  });

  test('uPlot is served from the installed package', async () => {
    const esm = await get('/dashboard/vendor/uplot/uPlot.esm.js');
    assert.equal(esm.statusCode, 200);
    assert.match(esm.headers['content-type'] as string, /javascript/);
    assert.match(esm.body, /export \{ uPlot as default \}|export default uPlot/);
    const css = await get('/dashboard/vendor/uplot/uPlot.min.css');
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['content-type'] as string, /text\/css/);
  });

  test('anomaly windows of the demo sensors', async () => {
    const res = await get('/dashboard/anomaly-windows.json');
    assert.equal(res.statusCode, 200);
    const windows = res.json() as Record<string, { start: string; end: string }[]>;
    assert.deepEqual(Object.keys(windows).sort(), [
      'ambient_temperature',
      'cpu_utilization',
      'ec2_latency',
      'machine_temperature',
    ]);
    assert.deepEqual(windows.machine_temperature?.[0], {
      start: '2013-12-10T06:25:00.000Z',
      end: '2013-12-12T05:35:00.000Z',
    });
  });

  test('open without a key (the API behind it is not), no path escapes, not in the OpenAPI document', async () => {
    assert.equal((await get('/v1/feature-views')).statusCode, 401);
    assert.equal((await get('/dashboard/../package.json')).statusCode, 404);
    assert.equal((await get('/dashboard/%2e%2e/package.json')).statusCode, 404);
    assert.equal((await get('/dashboard/vendor/uplot/../package.json')).statusCode, 404);
    assert.equal((await get('/dashboard/nope.js')).statusCode, 404);
    const doc = (await get('/docs/json')).json() as { paths: Record<string, unknown> };
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p.startsWith('/dashboard')),
      [],
    );
  });
});
