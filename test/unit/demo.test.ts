/**
 * The demo's pure parts: NAB parsing (and the shipped sample), the compressed-time replay schedule and loop, the
 * records it produces, and the demo view.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileView } from '../../src/core/compile-view.js';
import { decodeRecordEvents } from '../../src/core/decode-record.js';
import { resolveView } from '../../src/core/resolve-view.js';
import { DEMO_VIEW, demoView } from '../../src/demo/demo-view.js';
import { anomalyWindowsBySensor, NAB_SERIES, parseNabCsv, parseNabTime } from '../../src/demo/nab.js';
import { loadAnomalyWindows, loadNabSeries } from '../../src/demo/nab-files.js';
import { runReplay } from '../../src/demo/replay.js';
import { readingRecord, toKinesisRecords } from '../../src/demo/replay-records.js';
import { ReplaySchedule } from '../../src/demo/replay-schedule.js';

const H = 3_600_000;
const DAY = 24 * H;

describe('NAB data', () => {
  it('parses timestamps as UTC, with or without fractional seconds', () => {
    assert.equal(parseNabTime('2013-12-02 21:15:00'), Date.parse('2013-12-02T21:15:00Z'));
    assert.equal(parseNabTime('2013-12-10 06:25:00.000000'), Date.parse('2013-12-10T06:25:00Z'));
    assert.equal(parseNabTime('2014-01-01 00:00:00.250000'), Date.parse('2014-01-01T00:00:00.250Z'));
    assert.throws(() => parseNabTime('2013-12-02'), /not a NAB timestamp/);
  });

  it('parses a CSV and refuses malformed lines', () => {
    assert.deepEqual(parseNabCsv('timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,-2\n'), [
      { t: Date.parse('2014-01-01T00:00:00Z'), value: 1.5 },
      { t: Date.parse('2014-01-01T00:05:00Z'), value: -2 },
    ]);
    assert.throws(() => parseNabCsv('time,v\n'), /header/);
    assert.throws(() => parseNabCsv('timestamp,value\n2014-01-01 00:00:00,abc\n'), /line 2/);
    assert.throws(() => parseNabCsv('timestamp,value\n2014-01-01 00:00:00,\n'), /line 2/);
  });

  it('maps labelled windows to sensor ids', () => {
    const windows = anomalyWindowsBySensor({
      'realKnownCause/machine_temperature_system_failure.csv': [
        ['2013-12-10 06:25:00.000000', '2013-12-12 05:35:00.000000'],
      ],
      'realKnownCause/other.csv': [['2014-01-01 00:00:00.000000', '2014-01-02 00:00:00.000000']],
    });
    assert.deepEqual(windows.machine_temperature, [
      { start: '2013-12-10T06:25:00.000Z', end: '2013-12-12T05:35:00.000Z' },
    ]);
    assert.deepEqual(windows.cpu_utilization, []);
    assert.equal(Object.keys(windows).length, NAB_SERIES.length);
  });

  it('ships every series with its labels', async () => {
    const series = await loadNabSeries();
    assert.deepEqual(
      series.map((s) => [s.sensor, s.readings.length]),
      [
        ['machine_temperature', 22_695],
        ['ambient_temperature', 7267],
        ['cpu_utilization', 18_050],
        ['ec2_latency', 4032],
      ],
    );
    const windows = await loadAnomalyWindows();
    assert.deepEqual(Object.fromEntries(Object.entries(windows).map(([k, v]) => [k, v.length])), {
      machine_temperature: 4,
      ambient_temperature: 2,
      cpu_utilization: 1,
      ec2_latency: 3,
    });
    // Every labelled window lies within its series.
    for (const s of series) {
      const first = s.readings[0]!.t;
      const last = Math.max(...s.readings.map((r) => r.t));
      for (const w of windows[s.sensor]!) {
        assert.ok(Date.parse(w.start) >= first && Date.parse(w.end) <= last, `${s.sensor} ${w.start}`);
      }
    }
  });
});

describe('replay schedule', () => {
  const t0 = Date.parse('2014-01-01T00:00:00Z');
  const t1 = Date.parse('2015-06-01T00:00:00Z');
  const series = [
    { sensor: 'a', readings: [0, 1, 2, 3].map((h) => ({ t: t0 + h * H, value: h })) },
    { sensor: 'b', readings: [0, 2, 4].map((h) => ({ t: t1 + h * H, value: 10 + h })) },
  ];

  it('plays series recorded at different times side by side, compressed, in their original timestamps', () => {
    const s = new ReplaySchedule(series, H); // an hour of data per second
    assert.equal(s.total, 7);
    assert.equal(s.durationMs, 4000);
    const first = s.take(0);
    assert.deepEqual(first, [
      { sensor: 'a', t: t0, value: 0, id: 'a-0' },
      { sensor: 'b', t: t1, value: 10, id: 'b-0' },
    ]);
    assert.deepEqual(s.take(999), []);
    assert.deepEqual(
      s.take(2000).map((r) => r.id),
      ['a-1', 'a-2', 'b-1'],
    );
    assert.equal(s.dataTime(0, 2500), t0 + 2.5 * H);
    assert.equal(s.dataTime(0, 60_000), t0 + 3 * H); // capped at the last reading
    assert.equal(s.done, false);
    assert.deepEqual(
      s.take(10_000).map((r) => r.id),
      ['a-3', 'b-2'],
    );
    assert.equal(s.done, true);
    assert.equal(s.sent, 7);
  });

  it('sends a reading older than one before it right after that one (file order)', () => {
    const s = new ReplaySchedule(
      [{ sensor: 'm', readings: [0, 2, 1, 3].map((h) => ({ t: t0 + h * H, value: h })) }],
      H,
    );
    assert.deepEqual(
      s.take(1500).map((r) => r.value),
      [0],
    );
    assert.deepEqual(
      s.take(2000).map((r) => r.value),
      [2, 1],
    );
    assert.equal(s.durationMs, 3000);
  });

  it('rejects a non-positive speed', () => {
    assert.throws(() => new ReplaySchedule(series, 0), RangeError);
  });

  it('the loop sends due readings tick by tick until done, and stops when aborted', async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += Math.max(0, ms);
    };
    const sent: string[][] = [];
    const done = await runReplay({
      schedule: new ReplaySchedule(series, DAY / 24), // an hour per second
      send: async (records) => {
        sent.push(records.map((r) => r.id));
      },
      signal: new AbortController().signal,
      tickMs: 1000,
      now: () => clock,
      sleep,
    });
    assert.equal(done, true);
    assert.deepEqual(sent, [['a-0', 'b-0'], ['a-1'], ['a-2', 'b-1'], ['a-3'], ['b-2']]);

    const abort = new AbortController();
    const partial: string[] = [];
    const finished = await runReplay({
      schedule: new ReplaySchedule(series, H),
      send: async (records) => {
        partial.push(...records.map((r) => r.id));
        abort.abort();
      },
      signal: abort.signal,
      now: () => clock,
      sleep,
    });
    assert.equal(finished, false);
    assert.deepEqual(partial, ['a-0', 'b-0']);
  });
});

describe('demo records and view', () => {
  it('produces one nested JSON record per reading, partitioned by sensor, that the view decodes', () => {
    const r = {
      sensor: 'machine_temperature',
      t: Date.parse('2013-12-02T21:15:00Z'),
      value: 73.9,
      id: 'm-0',
    };
    assert.deepEqual(readingRecord(r), {
      device: { id: 'machine_temperature' },
      reading: { ts: '2013-12-02T21:15:00.000Z', value: 73.9 },
      reading_id: 'm-0',
    });
    const decoded = decodeRecordEvents(
      compileView(resolveView(demoView(), 1, new Date())),
      readingRecord(r),
      0,
    );
    assert.ok(decoded.ok, JSON.stringify(decoded));
    assert.deepEqual(
      decoded.events.map(({ entity, event }) => ({ entity, event })),
      [{ entity: 'machine_temperature', event: { t: r.t, id: 'm-0', values: { value: 73.9 } } }],
    );
    const [k] = toKinesisRecords([r]);
    assert.equal(k!.partitionKey, 'machine_temperature');
    assert.deepEqual(JSON.parse(Buffer.from(k!.data).toString('utf8')), readingRecord(r));
  });

  it('the demo view is valid: 1h and 1d statistics, count windows, last, a Kinesis source and a SageMaker sink', () => {
    const view = resolveView(demoView('s'), 1, new Date());
    assert.equal(view.name, DEMO_VIEW);
    assert.deepEqual(view.source, { type: 'kinesis', streamName: 's', startPosition: 'TRIM_HORIZON' });
    assert.equal(view.sinks?.sagemaker?.featureGroupName, 'nab-sensors');
    const aggs = (w: string) =>
      view.features
        .filter((f) => f.window === w)
        .map((f) => f.agg)
        .sort();
    assert.deepEqual(aggs('1h'), ['avg', 'max', 'min', 'stddev']);
    assert.deepEqual(aggs('1d'), ['avg', 'count', 'max', 'min', 'stddev']);
    assert.ok(view.features.some((f) => f.events !== undefined));
    assert.ok(view.features.some((f) => f.agg === 'last'));
    // It retains the last 1,000 readings per sensor (what the events route and the dashboard read).
    assert.equal(compileView(view).eventsPerField.value, 1000);
  });
});
