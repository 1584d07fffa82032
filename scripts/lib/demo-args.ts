/** The command line of `npm run demo`. */
import { parseArgs } from 'node:util';
import { parseDuration } from '../../src/core/duration.js';
import { NAB_SERIES } from '../../src/demo/nab.js';

const USAGE = `usage: npm run demo -- [--speed DURATION] [--sensors a,b] [--shards N]

  --speed    data time replayed per second of wall time (default 1d, env EDDY_DEMO_SPEED): 6h, 1d, 3d, …
  --sensors  comma-separated subset of: ${NAB_SERIES.map((s) => s.sensor).join(', ')}
  --shards   shards of the Kinesis stream (default 2)`;

export interface DemoArgs {
  speed: string;
  dataMsPerSecond: number;
  shards: number;
  series: typeof NAB_SERIES;
}

/** The command line, checked; null after printing the usage for `--help`. */
export function parseDemoArgs(fail: (message: string) => never): DemoArgs | null {
  const { values } = parseArgs({
    options: {
      speed: { type: 'string' },
      sensors: { type: 'string' },
      shards: { type: 'string', default: '2' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return null;
  }
  const speed = values.speed ?? process.env.EDDY_DEMO_SPEED ?? '1d';
  const dataMsPerSecond =
    parseDuration(speed) ?? fail(`--speed must be a duration such as 1d or 6h, got '${speed}'`);
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > 16)
    fail('--shards must be a whole number from 1 to 16');
  const wanted = values.sensors?.split(',').map((s) => s.trim());
  const series = wanted ? NAB_SERIES.filter((s) => wanted.includes(s.sensor)) : NAB_SERIES;
  if (wanted && series.length !== wanted.length)
    fail(`--sensors: known sensors are ${NAB_SERIES.map((s) => s.sensor).join(', ')}`);
  return { speed, dataMsPerSecond, shards, series };
}
