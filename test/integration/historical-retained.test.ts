/**
 * Training rows from the online state (`events: {"type": "retained"}`; real Redis, real BullMQ workers): a
 * generated stream (out of order, late, duplicates) is pushed into a live view, then a job over random spine rows
 * (at tile boundaries, inside tiles, long before the retention and after the last event, unknown entities) is
 * compared row by row with the brute-force oracle, which knows every accepted event:
 * - time windows and lifetime features as of B, the end of the last tile ending at or before T (before T:
 *   exclusive), so from events <= B only; count windows as of T over the N most recent events the view retains;
 * - a row needing an event the online state dropped is OUT_OF_RETENTION with every feature null; the rule is
 *   written here from docs/semantics.md#training-rows-from-the-online-state, not from the code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compileView } from '../../src/core/compile-view.js';
import type { CompiledView, FeatureView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { startEddy, type TestEddy } from '../helpers/eddy.js';
import { engineEvents, generateStream, resultRows, startJob, waitForJob } from '../helpers/historical.js';
import { Oracle } from '../helpers/oracle.js';
import { expectedRetainedRow, retainedMismatch } from '../helpers/retained-oracle.js';

const VIEW = 'hist_retained';
const G = 10_000;
/** Tiles the state keeps behind its watermark's tile: (largest window 2m + lateness 1m) / 10 s. */
const RETAINED_TILES = 18;
const viewSpec = {
  name: VIEW,
  entityKey: 'id',
  eventTime: { field: 'ts' },
  source: { type: 'push' },
  granularity: '10s',
  allowedLateness: '1m',
  eventIdField: 'rid',
  features: [
    { name: 'n_1m', agg: 'count', window: '1m' },
    { name: 'sum_1m', agg: 'sum', field: 'x', window: '1m' },
    { name: 'avg_2m', agg: 'avg', field: 'x', window: '2m' },
    { name: 'max_2m', agg: 'max', field: 'x', window: '2m' },
    { name: 'std_2m', agg: 'stddev', field: 'x', window: '2m' },
    { name: 'last_2m', agg: 'last', field: 'x', window: '2m' },
    { name: 'last_y', agg: 'last', field: 'y' },
    { name: 'since_x', agg: 'time_since_last', field: 'x' },
    { name: 'avg_8', agg: 'avg', field: 'x', events: 8 },
    { name: 'n_5', agg: 'count', events: 5 },
    { name: 'last_3', agg: 'last', field: 'y', events: 3 },
  ],
};

let eddy: TestEddy;
let compiled: CompiledView;
const stream = generateStream(33, 8, 60);

before(async () => {
  eddy = await startEddy({ EDDY_PUSH_LANES: '2', LOG_LEVEL: process.env.TEST_LOG ?? 'silent' });
  const res = await eddy.app.inject({ method: 'POST', url: '/v1/feature-views', payload: viewSpec });
  assert.equal(res.statusCode, 201, res.body);
  compiled = compileView(res.json() as FeatureView);
  let pushed = 0;
  for (const cut of stream.cuts) {
    const push = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${VIEW}/records?wait=true`,
      payload: { records: stream.records.slice(pushed, cut.end) },
    });
    assert.equal(push.statusCode, 200, push.body);
    pushed = cut.end;
  }
});
after(() => eddy.close());

const tile = (t: number) => Math.floor(t / G);

describe('training rows from the online state', () => {
  it('equal the oracle from events up to the last whole tile, and mark rows out of retention', async () => {
    const rnd = seededRandom(5);
    const times = stream.records.map((r) => r.ts);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const spine: { entity: string; timestamp: number | string; row: number }[] = [];
    for (let i = 0; i < 600; i++) {
      const entity =
        rnd() < 0.05 ? 'never-seen' : stream.entities[Math.floor(rnd() * stream.entities.length)]!;
      // Half within the last 5 minutes (inside the retention), half anywhere from before the first event on.
      const t =
        rnd() < 0.5
          ? last - 300_000 + Math.floor(rnd() * 360_000)
          : first - 60_000 + Math.floor(rnd() * (last - first + 120_000));
      const at = rnd();
      // A tile's first ms, its last ms, an event's own time, or anywhere inside a tile.
      const T =
        at < 0.2
          ? tile(t) * G
          : at < 0.4
            ? tile(t) * G + G - 1
            : at < 0.5
              ? times[Math.floor(rnd() * times.length)]!
              : t;
      spine.push({ entity, timestamp: i % 2 === 0 ? T : new Date(T).toISOString(), row: i });
    }
    const wholes = new Map(
      [...stream.entities, 'never-seen'].map((e) => {
        const o = new Oracle(compiled);
        o.apply(engineEvents(stream.records, e));
        return [e, o];
      }),
    );
    for (const boundary of ['inclusive', 'exclusive'] as const) {
      const id = await startJob(eddy, VIEW, { spine, events: { type: 'retained' }, boundary });
      const job = await waitForJob(eddy, VIEW, id);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      assert.equal(job.progress.rowsWritten, spine.length);
      assert.deepEqual(job.progress.sources, { retained: stream.entities.length + 1 });
      const rows = await resultRows(eddy, VIEW, id);
      assert.equal(rows.length, spine.length);
      const seen = { PRESENT: 0, NOT_FOUND: 0, OUT_OF_RETENTION: 0 };
      rows.forEach((row, i) => {
        const s = spine[i]!;
        assert.equal(row.row, s.row, 'spine order and pass-through columns');
        const T = typeof s.timestamp === 'number' ? s.timestamp : Date.parse(s.timestamp);
        const want = expectedRetainedRow(compiled, RETAINED_TILES, wholes.get(s.entity)!, T, boundary);
        const wrong = retainedMismatch(compiled, row, want);
        if (wrong !== null) assert.fail(`${s.entity} at ${T} (${boundary}): ${wrong}`);
        seen[want.status]++;
      });
      for (const [status, n] of Object.entries(seen)) assert.ok(n >= 10, `${status} rows: ${n}`);
    }
  });

  it('never use an event after T: a row inside a tile leaves out the tile, while an online read includes it', async () => {
    // Two readings of one entity in one tile; a row between them sees neither (the tile is not whole by T).
    const base = Date.UTC(2030, 0, 1, 0, 0, 0);
    const push = await eddy.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${VIEW}/records?wait=true`,
      payload: {
        records: [
          { id: 'one-tile', ts: base + 1_000, rid: 'a', x: 1, y: 1 },
          { id: 'one-tile', ts: base + 8_000, rid: 'b', x: 100, y: 2 },
        ],
      },
    });
    assert.equal(push.statusCode, 200, push.body);
    const online = await eddy.app.inject({
      method: 'POST',
      url: '/v1/online-features',
      payload: { featureView: VIEW, entities: ['one-tile'], asOf: base + 5_000 },
    });
    assert.equal(online.json().results[0].values.max_2m, 100, 'online reads include the whole tile');
    const id = await startJob(eddy, VIEW, {
      spine: [
        { entity: 'one-tile', timestamp: base + 5_000 },
        { entity: 'one-tile', timestamp: base + 9_999 },
        { entity: 'one-tile', timestamp: base + 10_000 },
      ],
      events: { type: 'retained' },
    });
    assert.equal((await waitForJob(eddy, VIEW, id)).status, 'succeeded');
    const rows = await resultRows(eddy, VIEW, id);
    assert.deepEqual(
      rows.map((r) => [r.status, r.n_1m, r.max_2m, r.last_y, r.n_5, r.last_3]),
      [
        // Mid-tile: tile features see nothing; count windows see the reading at +1 s only.
        ['PRESENT', 0, null, null, 1, 1],
        // The tile's last ms: the tile is whole.
        ['PRESENT', 2, 100, 2, 2, 2],
        ['PRESENT', 2, 100, 2, 2, 2],
      ],
    );
    // The status is a text column of its own in Parquet, between the spine's columns and the features.
    const parquet = await eddy.app.inject({
      url: `/v1/feature-views/${VIEW}/historical-features/${id}/result`,
      headers: { accept: 'application/vnd.apache.parquet' },
    });
    const file = new Uint8Array(parquet.rawPayload).buffer;
    const columns = parquetSchema(parquetMetadata(file)).children.map((c) => [
      c.element.name,
      c.element.type,
    ]);
    assert.deepEqual(columns.slice(0, 4), [
      ['entity', 'BYTE_ARRAY'],
      ['timestamp', 'INT64'],
      ['status', 'BYTE_ARRAY'],
      ['n_1m', 'INT64'],
    ]);
    assert.deepEqual(
      (await parquetReadObjects({ file })).map((r) => r.status),
      ['PRESENT', 'PRESENT', 'PRESENT'],
    );
  });

  it('refuse a spine column named status, which the rows use', async () => {
    const id = await startJob(eddy, VIEW, {
      spine: [{ entity: 's1', timestamp: 1, status: 'x' }],
      events: { type: 'retained' },
    });
    const job = await waitForJob(eddy, VIEW, id);
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'INVALID_SPINE');
  });
});
