/**
 * The Kinesis client (AWS SDK v3). Always HTTP/1.1 with keep-alive: the SDK's default HTTP/2 handler fails on
 * every call against kinesalite, and HTTP/1.1 is what Kinesis's own docs show for GetRecords polling.
 * `endpoint` null means the AWS default endpoint of the region; credentials come from the SDK's default
 * provider chain, except for the embedded emulator, which gets static dummy ones (it checks none).
 */
import http from 'node:http';
import https from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface KinesisClientOptions {
  endpoint: string | null;
  region: string;
  /** True for the in-process emulator: static dummy credentials instead of the default chain. */
  dummyCredentials?: boolean;
}

export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  return new KinesisClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.dummyCredentials
      ? { credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } }
      : {}),
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      connectionTimeout: 5000,
      requestTimeout: 30_000,
    }),
    // The shard readers have their own backoff with jitter; the SDK's retries stay at its default.
  });
}
