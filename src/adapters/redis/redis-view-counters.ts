import type {
  BatchCount,
  SourceCounts,
  ViewCounters,
  ViewVersionCounters,
} from '../../ports/view-counters.js';
import type { KeyLayout } from './keys.js';
import { sendAcked } from './replica-ack.js';
import type { EddyRedis } from './scripts.js';

const num = (v: string | undefined) => (v === undefined ? 0 : Number(v));

export function redisViewCounters(redis: EddyRedis, keys: KeyLayout): ViewCounters {
  return {
    async mark(view, version, source) {
      return (await redis.hget(keys.viewCounters(view), `${version}:mark:${source}`)) ?? '';
    },

    async countBatch(view, version, source, batchEnd, count: BatchCount) {
      const outcome = JSON.stringify({ batchEnd, ...count });
      // The count and the view's mark for the source (the checkpoint) wait for replicas when asked.
      const counted = await sendAcked<number>(redis, redis.replicaAck, 'eddyCountBatch', [
        keys.viewCounters(view),
        version,
        source,
        batchEnd,
        count.accepted,
        count.late,
        count.duplicate,
        count.lastEventTime === null ? '' : count.lastEventTime,
        outcome,
        count.rejected ?? 0,
        count.skippedBeforeStart ?? 0,
        count.filtered ?? 0,
      ]);
      return counted === 1;
    },

    async countFiltered(view, version, n) {
      if (n > 0) await redis.hincrby(keys.viewCounters(view), `${version}:filtered`, n);
    },

    async countedOutcome(view, version, source, batchEnd) {
      const raw = await redis.hget(keys.viewCounters(view), `${version}:outcome:${source}`);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as BatchCount & { batchEnd: string };
      if (parsed.batchEnd !== batchEnd) return null;
      const { batchEnd: _end, ...count } = parsed;
      return count;
    },

    async read(view, version): Promise<ViewVersionCounters> {
      const all = await redis.hgetall(keys.viewCounters(view));
      const prefix = `${version}:`;
      const marks: Record<string, string> = {};
      const sources: Record<string, SourceCounts> = {};
      for (const [field, value] of Object.entries(all)) {
        if (field.startsWith(`${prefix}mark:`)) marks[field.slice(prefix.length + 5)] = value;
        else if (field.startsWith(`${prefix}src:`)) {
          // `<ver>:src:<outcome>:<source>` (the source id itself contains ':')
          const rest = field.slice(prefix.length + 4);
          const colon = rest.indexOf(':');
          const outcome = rest.slice(0, colon) as keyof SourceCounts;
          const source = rest.slice(colon + 1);
          const counts = sources[source] ?? {
            accepted: 0,
            rejected: 0,
            late: 0,
            duplicate: 0,
            skippedBeforeStart: 0,
            filtered: 0,
          };
          sources[source] = counts;
          if (outcome in counts) counts[outcome] = Number(value);
        }
      }
      const last = all[`${prefix}lastEventTime`];
      return {
        accepted: num(all[`${prefix}accepted`]),
        rejected: num(all[`${prefix}rejected`]),
        late: num(all[`${prefix}late`]),
        duplicate: num(all[`${prefix}duplicate`]),
        filtered: num(all[`${prefix}filtered`]),
        lastEventTime: last === undefined ? null : Number(last),
        marks,
        sources,
      };
    },

    async remove(view) {
      await redis.del(keys.viewCounters(view));
    },
  };
}
