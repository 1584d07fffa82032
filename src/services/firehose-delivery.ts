/**
 * Kinesis Data Firehose HTTP endpoint deliveries into a view: each delivery's records (core/firehose-records.ts)
 * go through the same push ingestion as `POST …/records` (services/push-records.ts: decoding, transforms, dead
 * letters, lanes), with a push id derived from the view and the Firehose request id. Firehose retries a whole
 * request until it gets a 200, so every record of a delivery must take effect at most once:
 *
 * - a retry after a success finds the delivery marked done and queues nothing;
 * - a retry after a partial attempt (a crash or an error between lane adds) queues only the lanes' shares not
 *   queued yet: each share is added at most once per push id, atomically with its deduplication key
 *   (PushBatch.onceId), and its dead letters have the same ids, stored once;
 * - concurrent attempts race on the same keys with the same outcome.
 *
 * The delivery is marked done only after every share is queued, so a 200 always means durably queued.
 */
import { createHash } from 'node:crypto';
import type { CompiledView } from '../core/feature-view.js';
import { firehoseRecords } from '../core/firehose-records.js';
import type { Deliveries } from '../ports/deliveries.js';
import { type PushDeps, type PushReceipt, pushRecords } from './push-records.js';

export interface FirehoseDeps extends PushDeps {
  deliveries: Deliveries;
}

export interface FirehoseDelivery {
  /** `X-Amz-Firehose-Request-Id`: the same on every attempt of one delivery. */
  requestId: string;
  /** Each Firehose record's base64 `data`. */
  data: readonly string[];
}

export type FirehoseOutcome =
  | { kind: 'queued'; pushId: string; receipt: PushReceipt }
  | { kind: 'already-queued'; pushId: string };

/** The push id of a delivery: stable per view and request id, without `:` (BullMQ ids, dead-letter ids). */
export const firehosePushId = (view: string, requestId: string) =>
  `fh-${createHash('sha256').update(`${view}\u0000${requestId}`).digest('base64url').slice(0, 24)}`;

export async function deliverFirehose(
  deps: FirehoseDeps,
  view: CompiledView,
  delivery: FirehoseDelivery,
): Promise<FirehoseOutcome> {
  const pushId = firehosePushId(view.name, delivery.requestId);
  if (await deps.deliveries.done(view.name, pushId)) return { kind: 'already-queued', pushId };
  const { records, rejected } = firehoseRecords(delivery.data);
  const receipt = await pushRecords(deps, view, records, {
    wait: false,
    waitTimeoutMs: 0,
    requestId: pushId,
    decoded: rejected,
  });
  await deps.deliveries.markDone(view.name, pushId);
  return { kind: 'queued', pushId, receipt };
}
