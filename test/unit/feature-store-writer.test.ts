/** Which PutRecord errors the SageMaker writer retries (src/adapters/sagemaker/feature-store-writer.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyPutError } from '../../src/adapters/sagemaker/feature-store-writer.js';

describe('retry policy', () => {
  test('throttling, 5xx and network errors are retried; validation and other 4xx are not', () => {
    const sdk = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    const net = (code: string) => Object.assign(new Error(code), { code });
    const cases: [unknown, boolean, boolean][] = [
      [sdk('ThrottlingException', 400), true, false],
      [sdk('InternalFailure', 500), true, true],
      [sdk('ServiceUnavailable', 503), true, true],
      [sdk('ValidationError', 400), false, false],
      [sdk('ResourceNotFound', 404), false, false],
      [sdk('AccessForbidden', 403), false, false],
      [net('ECONNREFUSED'), true, false],
      [net('ECONNRESET'), true, true],
      [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), true, true],
    ];
    for (const [err, retryable, maybeApplied] of cases) {
      const c = classifyPutError(err);
      assert.equal(c.retryable, retryable, c.code);
      assert.equal(c.maybeApplied, maybeApplied, c.code);
    }
    assert.equal(classifyPutError(sdk('ThrottlingException', 400)).code, 'ThrottlingException');
    assert.equal(classifyPutError(net('ECONNREFUSED')).status, null);
  });
});
