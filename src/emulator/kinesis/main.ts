/**
 * Process entry of the Kinesis emulator (`npm run emulator:kinesis`): Eddy's kinesalite, with the fix for
 * GetShardIterator AT_TIMESTAMP on a quiet shard (src/adapters/kinesis/kinesalite.ts), in memory.
 *   PORT  default 4567 (kinesalite's usual port; 0 = a free port)
 *   HOST  default 127.0.0.1 (0.0.0.0 only on a private network, e.g. docker compose)
 * Prints `Kinesis emulator listening on <url>` once it accepts connections; stops on SIGINT / SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { EMBEDDED_KINESIS_PORT, listenKinesalite } from '../../adapters/kinesis/embedded.js';

const logger = pino({ name: 'kinesis-emulator' });
const port =
  process.env.PORT === undefined || process.env.PORT === ''
    ? EMBEDDED_KINESIS_PORT
    : Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  logger.error(`PORT must be a TCP port, got '${process.env.PORT}'`);
  process.exitCode = 1;
} else {
  try {
    const server = await listenKinesalite(port, host);
    const url = `http://${host}:${(server.address() as AddressInfo).port}`;
    logger.info({ url }, `Kinesis emulator listening on ${url}`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        server.closeAllConnections();
        server.close(() => process.exit(0));
      });
    }
  } catch (error) {
    logger.error({ err: String(error) }, 'failed to start');
    process.exitCode = 1;
  }
}
