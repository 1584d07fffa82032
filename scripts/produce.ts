/**
 * Puts a CSV or NDJSON file into a Kinesis stream at a chosen rate:
 *
 *   npm run produce -- --stream sensor-readings --file data.csv --rate 2000 --partition-key sensor_id \
 *     [--endpoint http://127.0.0.1:4567] [--create-shards 4] [--region us-east-1]
 *
 * Endpoint: --endpoint, else KINESIS_ENDPOINT (when a URL), else the embedded emulator's usual
 * http://127.0.0.1:4567; `--endpoint aws` uses the AWS default endpoint and the SDK's credential chain.
 * Each record is the row as a JSON object; its partition key is the value of --partition-key (so one entity's
 * records stay in one shard, in order).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createKinesisClient } from '../src/adapters/kinesis/client.js';
import { EMBEDDED_KINESIS_PORT } from '../src/adapters/kinesis/embedded.js';
import { ensureStream, type ProducerRecord, produce } from '../src/adapters/kinesis/producer.js';
import { parseCsv, parseNdjson } from './lib/records-file.js';

const USAGE =
  'usage: npm run produce -- --stream NAME --file data.csv|data.ndjson [--rate N] [--partition-key FIELD] ' +
  '[--endpoint URL|aws] [--create-shards N] [--region R]';

async function main() {
  // The SDK's notice about Node 20 support is noise in a tool's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      stream: { type: 'string' },
      file: { type: 'string' },
      rate: { type: 'string', default: '1000' },
      'partition-key': { type: 'string' },
      endpoint: { type: 'string' },
      'create-shards': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.stream || !values.file) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 0)
    throw new Error('--rate must be a number of records per second (0: no limit)');
  const envEndpoint = process.env.KINESIS_ENDPOINT;
  const chosen =
    values.endpoint ??
    (envEndpoint && envEndpoint !== 'embedded' ? envEndpoint : `http://127.0.0.1:${EMBEDDED_KINESIS_PORT}`);
  const endpoint = chosen === 'aws' ? null : chosen;
  const client = createKinesisClient({
    endpoint,
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
  });

  const text = readFileSync(values.file, 'utf8');
  const rows = /\.csv$/i.test(values.file) ? parseCsv(text) : parseNdjson(text);
  const key = values['partition-key'];
  const records: ProducerRecord[] = rows.map((row, i) => {
    const value = key && row && typeof row === 'object' ? (row as Record<string, unknown>)[key] : undefined;
    const partitionKey = value === undefined || value === null || value === '' ? String(i) : String(value);
    return { data: Buffer.from(JSON.stringify(row)), partitionKey: partitionKey.slice(0, 256) };
  });

  if (values['create-shards']) await ensureStream(client, values.stream, Number(values['create-shards']));
  const summary = await produce(client, values.stream, records, { rate });
  client.destroy();
  console.log(
    JSON.stringify(
      {
        stream: values.stream,
        endpoint: endpoint ?? 'aws',
        records: summary.records,
        seconds: Number(summary.seconds.toFixed(2)),
        recordsPerSecond: Math.round(summary.records / Math.max(summary.seconds, 0.001)),
        putRecordsCalls: summary.calls,
        retried: summary.retried,
        perShard: summary.perShard,
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(`produce: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
