import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config.js';
import { assertAuthConfigured } from '../../src/http/plugins/auth.js';

const rejects = (env: Record<string, string>, variable: string) =>
  assert.throws(
    () => parseConfig(env),
    (err) =>
      err instanceof ConfigError && err.variable === variable && err.message.startsWith(`${variable}:`),
  );

test('hardening settings: defaults, bounds, and errors naming the variable', () => {
  const c = parseConfig({});
  assert.equal(c.rateLimit, 6000);
  assert.equal(c.readyMaxLagMs, 60_000);
  assert.equal(c.shutdownTimeoutMs, 8000);
  assert.equal(c.portExplicit, false);
  assert.equal(parseConfig({ PORT: '0' }).portExplicit, true);
  assert.equal(parseConfig({ EDDY_READY_MAX_LAG_MS: '0' }).readyMaxLagMs, 0);
  rejects({ EDDY_READY_MAX_LAG_MS: '-1' }, 'EDDY_READY_MAX_LAG_MS');
  rejects({ EDDY_READY_MAX_LAG_MS: '1h' }, 'EDDY_READY_MAX_LAG_MS');
  rejects({ EDDY_RATE_LIMIT: '0' }, 'EDDY_RATE_LIMIT');
  rejects({ EDDY_SHUTDOWN_TIMEOUT_MS: '50' }, 'EDDY_SHUTDOWN_TIMEOUT_MS');
  rejects({ EDDY_API_KEYS: 'root:abcdefgh' }, 'EDDY_API_KEYS');
  rejects({ EDDY_API_KEYS: 'admin:short' }, 'EDDY_API_KEYS');
});

test('production needs API keys; elsewhere the API may run open', () => {
  assert.throws(
    () => assertAuthConfigured(parseConfig({ NODE_ENV: 'production' })),
    (err) => err instanceof ConfigError && err.variable === 'EDDY_API_KEYS',
  );
  assertAuthConfigured(parseConfig({ NODE_ENV: 'production', EDDY_API_KEYS: 'admin:abcdefgh' }));
  assertAuthConfigured(parseConfig({ NODE_ENV: 'development' }));
  assertAuthConfigured(parseConfig({}));
});
