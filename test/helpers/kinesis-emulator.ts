/** Kinesis test kit: kinesalite on a free loopback port in the test process, and its streams. */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../src/adapters/kinesis/client.js';
import { startEmbeddedKinesis } from '../../src/adapters/kinesis/embedded.js';
import { ensureStream } from '../../src/adapters/kinesis/producer.js';

export interface TestKinesis {
  url: string;
  client: KinesisClient;
  close(): Promise<void>;
}

export async function startKinesalite(): Promise<TestKinesis> {
  const k = await startEmbeddedKinesis(0);
  const client = createKinesisClient({ endpoint: k.url, region: 'us-east-1', dummyCredentials: true });
  return {
    url: k.url,
    client,
    async close() {
      client.destroy();
      await k.close();
    },
  };
}

export const createStream = (k: TestKinesis, name: string, shards: number) =>
  ensureStream(k.client, name, shards);

/** Settings that make a test's workers react quickly (short leases, fast discovery and idle polling). */
export const FAST_KINESIS_ENV = {
  EDDY_KINESIS_LEASE_TTL_MS: '2000',
  EDDY_KINESIS_DISCOVERY_MS: '300',
  EDDY_KINESIS_IDLE_MS: '200',
  EDDY_KINESIS_RECORD_LIMIT: '2000',
};
