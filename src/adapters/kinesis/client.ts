/**
 * The Kinesis client (AWS SDK v3). Always HTTP/1.1 with keep-alive: the SDK's default HTTP/2 handler fails on
 * every call against kinesalite, and HTTP/1.1 is what Kinesis's own docs show for GetRecords polling.
 * `endpoint` null means the AWS default endpoint of the region; credentials come from the SDK's default
 * provider chain, except for a local emulator (the embedded one, or any loopback endpoint while no AWS
 * credentials are configured in the environment), which gets static dummy ones: emulators check none.
 */
import http from 'node:http';
import https from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisProtocol } from './get-records-protocol.js';

export interface KinesisClientOptions {
  endpoint: string | null;
  region: string;
  /** True for the in-process emulator: static dummy credentials instead of the default chain. */
  dummyCredentials?: boolean;
}

/** A loopback endpoint with no credentials configured: an emulator on this machine. */
export function usesDummyCredentials(endpoint: string | null, env: NodeJS.ProcessEnv = process.env): boolean {
  if (endpoint === null || !/^https?:\/\/(127\.[0-9.]+|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint))
    return false;
  return !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE && !env.AWS_WEB_IDENTITY_TOKEN_FILE;
}

export function createKinesisClient(options: KinesisClientOptions): KinesisClient {
  const dummy = options.dummyCredentials || usesDummyCredentials(options.endpoint);
  return new KinesisClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(dummy ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    protocol: KinesisProtocol, // the SDK's JSON protocol, with a lighter GetRecords reader
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      connectionTimeout: 5000,
      requestTimeout: 30_000,
    }),
    // The shard readers have their own backoff with jitter; the SDK's retries stay at its default.
  });
}
