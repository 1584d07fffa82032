/**
 * kinesalite for the benchmark, in its own process (it is CPU-heavy: a JS server over an in-memory LevelDB), bound
 * to 127.0.0.1 on a free port. Prints `listening <url>` once ready; stops on SIGTERM.
 */
import { startEmbeddedKinesis } from '../../src/adapters/kinesis/embedded.js';

const k = await startEmbeddedKinesis(0);
process.stdout.write(`listening ${k.url}\n`);
const stop = async () => {
  await k.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
