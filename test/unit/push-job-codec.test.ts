/**
 * The push-lane job's event columns (adapters/queue/push-job-codec.ts): every batch of events (any entity and id
 * strings, any finite values including -0, fields present or absent per event) comes back from the job's JSON in
 * order and bit for bit; jobs in the earlier one-object-per-event form read the same; columns that disagree are
 * refused before a single event is visited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  encodePushEvents,
  forEachPushEvent,
  type PushWireEvents,
  pushEventCount,
  withoutEvents,
} from '../../src/adapters/queue/push-job-codec.js';
import type { PushEvent } from '../../src/ports/push-lanes.js';

const FIELDS = ['temperature', 'humidity', 'x'];

const pushEvent: fc.Arbitrary<PushEvent> = fc
  .record({
    entity: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    event: fc
      .record(
        {
          t: fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
          id: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
          values: fc.record(
            Object.fromEntries(FIELDS.map((f) => [f, fc.double({ noNaN: true, noDefaultInfinity: true })])),
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['t', 'values'] },
      )
      // Plain objects (fast-check's records have no prototype; deepStrictEqual compares prototypes).
      .map((e) => ({ ...e, values: { ...e.values } }) as PushEvent['event']),
  })
  .map((e) => ({ ...e }));

const visitAll = (wire: PushWireEvents): PushEvent[] => {
  const out: PushEvent[] = [];
  forEachPushEvent(wire, (entity, event) => out.push({ entity, event }));
  return out;
};

/** Through the job's JSON, as BullMQ stores and returns it. */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value));

test('events survive the job payload in order, bit for bit', () => {
  fc.assert(
    fc.property(fc.array(pushEvent, { maxLength: 50 }), (events) => {
      const columns = viaJson(encodePushEvents(events, FIELDS));
      assert.equal(pushEventCount({ columns }), events.length);
      assert.equal(
        'ids' in columns,
        events.some((e) => e.event.id !== undefined),
      );
      assert.deepEqual(visitAll({ columns }), events); // deepStrictEqual tells -0 from 0
    }),
  );
});

test('a job without its events (once applied) keeps everything else and reads as a job of no events', () => {
  fc.assert(
    fc.property(fc.array(pushEvent, { minLength: 1, maxLength: 20 }), fc.boolean(), (events, legacy) => {
      const wire: PushWireEvents & { view: string; requestId: string } = legacy
        ? { view: 'v', requestId: 'r', events: events.map((e) => ({ e: e.entity, t: e.event.t, v: {} })) }
        : { view: 'v', requestId: 'r', columns: encodePushEvents(events, FIELDS) };
      const emptied = viaJson(withoutEvents(wire));
      assert.deepEqual(emptied, { view: 'v', requestId: 'r', events: [] });
      assert.equal(pushEventCount(emptied), 0);
      assert.deepEqual(visitAll(emptied), []);
    }),
  );
});

test('a job in the earlier form (one object per event) visits the same events', () => {
  fc.assert(
    fc.property(fc.array(pushEvent, { maxLength: 30 }), (events) => {
      const legacy = viaJson({
        events: events.map(({ entity, event }) =>
          event.id === undefined
            ? { e: entity, t: event.t, v: event.values }
            : { e: entity, t: event.t, i: event.id, v: event.values },
        ),
      });
      assert.equal(pushEventCount(legacy), events.length);
      // That form's numbers went through JSON text, which writes -0 as 0.
      assert.deepEqual(visitAll(legacy), viaJson(events));
    }),
  );
});

test('columns that disagree are refused before any event is visited', () => {
  const events: PushEvent[] = [
    { entity: 'a', event: { t: 1, id: 'r1', values: { temperature: 1 } } },
    { entity: 'b', event: { t: 2, values: { humidity: 2 } } },
  ];
  const good = encodePushEvents(events, FIELDS);
  const damaged: [string, PushWireEvents][] = [
    ['times cut short', { columns: { ...good, times: good.times.slice(0, 12) } }],
    ['an entity too many', { columns: { ...good, entities: [...good.entities, 'c'] } }],
    [
      'a value column too long',
      { columns: { ...good, values: [Buffer.alloc(24).toString('base64'), ...good.values.slice(1)] } },
    ],
    ['a field without values', { columns: { ...good, fields: [...good.fields, 'extra'] } }],
    ['ids of another length', { columns: { ...good, ids: ['r1'] } }],
  ];
  for (const [what, wire] of damaged) {
    let visits = 0;
    assert.throws(() => forEachPushEvent(wire, () => visits++), /push batch: /, what);
    assert.equal(visits, 0, what);
  }
});

test('a job of 10,000 sensor readings is under half the size of its one-object-per-event form', () => {
  const events: PushEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
    entity: `sensor-${i % 997}`,
    event: {
      t: 1_795_700_000_000 + i * 13,
      values: { temperature: 20 + ((i * 7919) % 1000) / 97, humidity: 41.3 + (i % 13) / 7 },
    },
  }));
  const columns = JSON.stringify(encodePushEvents(events, FIELDS));
  const legacy = JSON.stringify(
    events.map(({ entity, event }) => ({ e: entity, t: event.t, v: event.values })),
  );
  assert.ok(columns.length < legacy.length / 2, `${columns.length} vs ${legacy.length} bytes`);
});
