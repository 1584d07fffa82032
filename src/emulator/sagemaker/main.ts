import { pino } from 'pino';
import { describeStartupError, optionsFromEnv } from './config.js';
import { startSageMakerEmulator } from './server.js';

// Process entry only: `tsx src/emulator/sagemaker/main.ts`. Configuration is documented in config.ts.
const logger = pino({ name: 'sagemaker-emulator' });

try {
  const emulator = await startSageMakerEmulator({
    ...optionsFromEnv(process.env),
    // Operation, group and outcome only: record ids and feature values stay out of the logs.
    onCall: ({ operation, featureGroup, status, errorType, fault, durationMs }) =>
      logger.info({ operation, featureGroup, status, errorType, fault, durationMs }, 'call'),
  });
  logger.info(
    { url: emulator.url, seed: emulator.seed },
    `SageMaker Feature Store emulator listening on ${emulator.url}`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void emulator.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  logger.error({ err: describeStartupError(error) }, 'failed to start');
  process.exitCode = 1;
}
