/**
 * The epoch of a push lane: it changes when the lane's queue is obliterated. A lane's job numbers are its
 * sequence numbers, and BullMQ restarts them at 1 when the queue is obliterated (its `id` counter is deleted with
 * it), while the views keep their marks for the lane; under the old source id every new job would count as
 * already applied. The epoch is a field of the queue's own `meta` hash, which obliteration deletes too, taken from
 * a counter of Eddy's that it does not delete. The lane's source id includes the epoch (services/apply-push-batch.ts
 * `pushSource`), so a new epoch starts with no marks. Finding a lane reset also restores its global concurrency
 * of 1, which was in the same `meta` hash.
 *
 * Contract: read once per batch, before applying it. A job keeps its epoch for every run, since only
 * obliteration changes the epoch and it removes every job of the lane.
 */
import type { Redis } from 'ioredis';
import { bullPrefix } from './bull-prefix.js';
import { pushLaneQueueName } from './registry.js';

const EPOCH_FIELD = 'eddy-epoch';

/** KEYS: the lane queue's meta hash, Eddy's epoch counters (hash lane -> last epoch). ARGV: lane. */
const LANE_EPOCH = `
local epoch = redis.call('HGET', KEYS[1], '${EPOCH_FIELD}')
if epoch then return tonumber(epoch) end
epoch = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HSET', KEYS[1], '${EPOCH_FIELD}', epoch, 'concurrency', 1)
return epoch
`;

interface EpochRedis extends Redis {
  eddyLaneEpoch(meta: string, counters: string, lane: number): Promise<number>;
}

export interface LaneEpochs {
  /** The lane's current epoch (1 for a lane never reset). One script call. */
  current(lane: number): Promise<number>;
}

/** `connection` gets the script defined on it. */
export function laneEpochs(connection: Redis, keyPrefix: string): LaneEpochs {
  const redis = connection as EpochRedis;
  if (typeof redis.eddyLaneEpoch !== 'function') {
    connection.defineCommand('eddyLaneEpoch', { numberOfKeys: 2, lua: LANE_EPOCH });
  }
  // The counters hash shares the lane queue's hash tag (one key on one server, where every queue shares `{q}`).
  const prefix = (lane: number) => bullPrefix(connection, keyPrefix, pushLaneQueueName(lane));
  return {
    current: (lane) =>
      redis.eddyLaneEpoch(
        `${prefix(lane)}:${pushLaneQueueName(lane)}:meta`,
        `${prefix(lane)}:push-lane-epochs`,
        lane,
      ),
  };
}
