/**
 * Transformed push ingestion: the same 200,000 events as the flat push scenario, sent as 20,000 nested records of
 * 10 readings each (a view with `each`, a `filter` and 3 derived fields: docs/semantics.md#transforms), 1,000
 * records per request. The figure is events/s into online state as a ratio to the same events pushed flat, each
 * measured in alternating pairs in the same run (API + worker process); target ≥ 0.7×.
 */
import { seededRandom } from '../../../src/core/seeded-random.js';
import { bodies, ingestView, reading, sensorId } from '../data.js';
import type { BenchContext } from '../lib/context.js';
import { type Figure, judge } from '../lib/report.js';
import { flatWorkload, type PushRun, type PushWorkload, runPush } from './push.js';

const DEVICES = 10_000;
const RECORDS_PER_DEVICE = 2;
const READINGS = 10;
const PAIRS = 3;

const transformedView = (name: string) => ({
  ...ingestView(name),
  entityKey: 'sensor_id',
  eventTime: { field: 'ts' },
  transform: {
    each: 'payload.readings',
    filter: "kind == 'temperature' && item.quality >= 1",
    fields: {
      sensor_id: 'device.id',
      ts: 'item.ts',
      temperature: '(item.temp_f - 32) * 5 / 9',
    },
  },
});

/** Record k of every device holds its readings k·10 … k·10+9, 10 s apart (devices in shuffled order). */
function nestedRecords(devices: number, perDevice: number, endMs: number, seed: number) {
  const random = seededRandom(seed);
  const ids = Array.from({ length: devices }, (_, i) => sensorId(i));
  const records = [];
  for (let k = 0; k < perDevice; k++) {
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    for (const id of ids) {
      const readings = Array.from({ length: READINGS }, (_, r) => {
        const ts = endMs - (perDevice * READINGS - k * READINGS - r) * 10_000;
        const { temperature } = reading(id, ts, random);
        return { ts, temp_f: Math.round((temperature * 9) / 5 + 3_200) / 100, quality: 2 };
      });
      records.push({ kind: 'temperature', device: { id }, payload: { readings } });
    }
  }
  return records;
}

function transformedWorkload(): PushWorkload {
  const events = DEVICES * RECORDS_PER_DEVICE * READINGS;
  return {
    view: transformedView,
    warmBodies: bodies(nestedRecords(1_000, 1, Date.now(), 7), 1_000),
    bodies: bodies(nestedRecords(DEVICES, RECORDS_PER_DEVICE, Date.now(), 42), 1_000),
    events,
    label: `${events.toLocaleString('en-US')} events in ${(DEVICES * RECORDS_PER_DEVICE).toLocaleString('en-US')} nested records`,
  };
}

export async function transformScenario(ctx: BenchContext): Promise<Figure[]> {
  const flat = flatWorkload();
  const nested = transformedWorkload();
  const pairs: { flat: PushRun; nested: PushRun; ratio: number }[] = [];
  for (let run = 1; run <= PAIRS; run++) {
    const f = await runPush(ctx, 'api + worker', run, flat, 'transform-flat');
    const n = await runPush(ctx, 'api + worker', run, nested, 'transform-nested');
    pairs.push({ flat: f, nested: n, ratio: n.rate / f.rate });
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(PAIRS / 2)]!;
  const rate = (r: PushRun) => Math.round(r.rate).toLocaleString('en-US');
  return [
    judge({
      scenario: `push with a transform (each over ${READINGS} readings, a filter, 3 derived fields), ${nested.events.toLocaleString('en-US')} events`,
      figure: 'events/s into online state',
      value: median.nested.rate,
      unit: 'events/s',
      baseline: { label: 'the same events pushed flat (the pair)', value: median.flat.rate },
      target: { op: '>=', limit: 0.7 },
      notes: `median of ${PAIRS} alternating pairs (transformed / flat: ${pairs.map((p) => `${rate(p.nested)} / ${rate(p.flat)}`).join(', ')} events/s); the median pair's transformed run, ${median.nested.notes}`,
    }),
  ];
}
