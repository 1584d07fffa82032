/**
 * `KINESIS_ENDPOINT=embedded`: kinesalite in this process, in memory, bound to the loopback interface only.
 * It prefers kinesalite's usual port 4567 (so `npm run produce` finds it without flags) and takes any free
 * loopback port when 4567 is busy.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kinesalite } from './kinesalite.js';

export interface EmbeddedKinesis {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const EMBEDDED_KINESIS_PORT = 4567;

export async function startEmbeddedKinesis(preferredPort = EMBEDDED_KINESIS_PORT): Promise<EmbeddedKinesis> {
  let server: Server;
  try {
    server = await listenKinesalite(preferredPort);
  } catch {
    server = await listenKinesalite(0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * Eddy's kinesalite (kinesalite.ts: with the AT_TIMESTAMP fix), in memory, listening on `host:port` (port 0: a
 * free one). Also the entry of the compose file's Kinesis emulator (src/emulator/kinesis/main.ts).
 */
export function listenKinesalite(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100 });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
