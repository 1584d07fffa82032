/**
 * Kinesis test kit: a generated sensor dataset with out-of-order, late, duplicate-id and bad records, the
 * brute-force oracle's expectations for it (judged in shard order), and comparing every online value with them.
 */

import assert from 'node:assert/strict';
import type { Landed, ProducerRecord } from '../../src/adapters/kinesis/producer.js';
import type { EngineEvent } from '../../src/core/event.js';
import type { CompiledView } from '../../src/core/feature-view.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import type { App } from '../../src/http/app.js';
import { status } from './kinesis-views.js';
import { assertOnlineEqualsOracles, oraclesFor } from './online-oracle.js';
import type { Oracle } from './oracle.js';

/** One generated record: its bytes and partition key, and its decoded event when it is a good one. */
export interface DatasetItem extends ProducerRecord {
  entity: string;
  event: EngineEvent | null;
}

/**
 * `perEntity` records for each of `entities` sensors, interleaved at random: event times mostly move forward,
 * ~20% step back (out of order), ~7% far back (late for a 2m lateness), ~12% reuse an earlier reading id
 * (producer duplicates), ~3% are bad (not UTF-8, not JSON, not an object, no entity key, a non-numeric value).
 */
export function sensorDataset(options: {
  entities: number;
  perEntity: number;
  seed: number;
  prefix?: string;
}) {
  const random = seededRandom(options.seed);
  const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
  const entities = Array.from({ length: options.entities }, (_, i) => `${options.prefix ?? 'sensor'}-${i}`);
  const clocks = entities.map(() => T0);
  const ids: string[][] = entities.map(() => []);
  const left = entities.map(() => options.perEntity);
  const items: DatasetItem[] = [];
  let remaining = options.entities * options.perEntity;
  while (remaining > 0) {
    let e = Math.floor(random() * entities.length);
    while (left[e] === 0) e = (e + 1) % entities.length;
    left[e]!--;
    remaining--;
    const entity = entities[e]!;
    const n = items.length;
    const roll = random();
    clocks[e]! +=
      roll < 0.07
        ? -Math.floor(180_000 + random() * 300_000)
        : roll < 0.27
          ? -Math.floor(random() * 60_000)
          : Math.floor(random() * 20_000);
    const t = clocks[e]!;
    const reuse = random() < 0.12 && ids[e]!.length > 0;
    const readingId = reuse ? ids[e]![Math.floor(random() * ids[e]!.length)]! : `${entity}-r${n}`;
    const temperature = Math.round((20 + 15 * Math.sin(t / 600_000) + random() * 10) * 1000) / 1000;
    // A string field for approx_count_distinct: five production lines (the oracle stands them in as numbers no
    // record carries).
    const line = n % 5;
    const record: Record<string, unknown> = {
      sensor_id: entity,
      ts: t,
      reading_id: readingId,
      temperature,
      line: `line-${line}`,
    };
    const badRoll = random();
    let data: Buffer;
    let good = false;
    if (badRoll < 0.006) data = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    else if (badRoll < 0.012) data = Buffer.from(`not json ${n}`);
    else if (badRoll < 0.018) data = Buffer.from(JSON.stringify([record]));
    else if (badRoll < 0.024) data = Buffer.from(JSON.stringify({ ...record, sensor_id: undefined }));
    else if (badRoll < 0.03)
      data = Buffer.from(JSON.stringify({ ...record, temperature: String(temperature) }));
    else {
      good = true;
      // Some event times as ISO-8601 strings.
      data = Buffer.from(
        JSON.stringify(random() < 0.2 ? { ...record, ts: new Date(t).toISOString() } : record),
      );
      if (!reuse) ids[e]!.push(readingId);
    }
    items.push({
      entity,
      partitionKey: entity,
      data,
      event: good ? { t, id: readingId, values: { temperature, line: (line + 1) * 1e200 } } : null,
    });
  }
  return { entities, items };
}

export interface Expected {
  oracles: Map<string, Oracle>;
  counts: { accepted: number; rejected: number; late: number; duplicate: number };
}

/**
 * The oracle's verdict: each entity's good records in shard order. The producer sends batches one after another
 * and PutRecords keeps the order within a call, so with no record retried the input order of one partition key
 * is its shard order — across reshards too (the parent's records come first). Sequence numbers confirm it
 * within each shard.
 */
export function expectedFor(
  view: CompiledView,
  items: readonly DatasetItem[],
  landed: readonly Landed[],
): Expected {
  const byEntity = new Map<string, EngineEvent[]>();
  const lastSeq = new Map<string, bigint>();
  let rejected = 0;
  items.forEach((item, i) => {
    const where = landed[i]!;
    const key = `${item.partitionKey}|${where.shardId}`;
    const seq = BigInt(where.seq);
    assert.ok((lastSeq.get(key) ?? -1n) < seq, 'records of one partition key landed out of input order');
    lastSeq.set(key, seq);
    if (!item.event) {
      rejected++;
      return;
    }
    const list = byEntity.get(item.entity) ?? [];
    list.push(item.event);
    byEntity.set(item.entity, list);
  });
  const { oracles, counts } = oraclesFor(view, byEntity);
  return { oracles, counts: { ...counts, rejected } };
}

/** Every online value (asOf latest) of every entity equals the oracle's, and the status counts add up. */
export async function assertMatchesOracle(app: App, view: CompiledView, expected: Expected) {
  const s = await status(app, view.name);
  assert.deepEqual(s.counts, { ...expected.counts, filtered: 0 });
  await assertOnlineEqualsOracles(app, view, expected.oracles);
}
