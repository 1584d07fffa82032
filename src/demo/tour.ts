/** The tour `npm run demo` prints once the replay starts: where to look and what to try. */
import { clientTourSnippet } from './client-tour.js';
import { DEMO_FEATURE_GROUP, DEMO_STREAM, DEMO_VIEW } from './demo-view.js';

export function tourText(t: {
  base: string;
  emulator: string | null;
  kinesis: string;
  keyed: boolean;
  sensors: string[];
  readings: number;
  speed: string;
  shards: number;
  seconds: number;
}): string {
  const h = t.keyed ? ` -H "authorization: Bearer $EDDY_KEY"` : '';
  const entity = t.sensors[0]!;
  const minutes = t.seconds >= 90 ? `${(t.seconds / 60).toFixed(1)} min` : `${Math.ceil(t.seconds)} s`;
  return `
Eddy demo is running.

  Dashboard  ${t.base}/dashboard/?view=${DEMO_VIEW}&entity=${entity}
  API docs   ${t.base}/docs
  Queues     ${t.base}/admin/queues
  Metrics    ${t.base}/metrics

Replaying ${t.readings.toLocaleString('en-US')} NAB readings of ${t.sensors.length} sensor(s) (${t.sensors.join(', ')})
through the Kinesis stream '${DEMO_STREAM}' (${t.shards} shards, ${t.kinesis}) at ${t.speed} of data per second
(about ${minutes}). Feature view '${DEMO_VIEW}' mirrors to the SageMaker feature group '${DEMO_FEATURE_GROUP}'${
    t.emulator ? ` (emulator at ${t.emulator})` : ''
  }.

Try:
  curl -s${h} '${t.base}/v1/feature-views/${DEMO_VIEW}/entities/${entity}?asOf=latest'
  curl -s${h} -X POST ${t.base}/v1/online-features -H 'content-type: application/json' \\
    -d '{"featureView":"${DEMO_VIEW}","entities":${JSON.stringify(t.sensors)},"features":["value_avg_1d","value_std_1d","value_last"],"asOf":"latest"}'
  curl -s${h} '${t.base}/v1/feature-views/${DEMO_VIEW}/entities/${entity}/events?field=value&limit=5&asOf=latest'
  curl -s${h} ${t.base}/v1/feature-views/${DEMO_VIEW}/status
  curl -s${h} ${t.base}/v1/feature-views/${DEMO_VIEW}/sagemaker${
    t.emulator ? `\n  curl -s ${t.emulator}/_emulator/feature-groups/${DEMO_FEATURE_GROUP}/records` : ''
  }

The same from TypeScript with the typed client (\`npm run tour:client -- --base ${t.base}\` runs it):
${clientTourSnippet(t.base, DEMO_VIEW, t.sensors, t.keyed)
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}

Eddy's own values through the SageMaker Feature Store runtime API (any AWS SDK: change only the endpoint${
    t.keyed ? '; access key id key-<n>, secret the key' : ''
  }):
  aws sagemaker-featurestore-runtime get-record --endpoint-url ${t.base}/sagemaker-featurestore \\
    --feature-group-name ${DEMO_FEATURE_GROUP} --record-identifier-value-as-string ${entity}

Ctrl-C stops everything the demo started.
`;
}
