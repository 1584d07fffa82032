/**
 * Uploads (spines and raw events) in Redis: the lines as a list of chunks, then the meta hash, both expiring
 * after `ttlMs`. An upload cut short (the client went away) has no meta, so no job can use it; its chunks expire.
 */
import type { Redis } from 'ioredis';
import type { HistoricalUploads, UploadFormat, UploadMeta } from '../../ports/historical.js';
import type { HistoricalKeys } from './historical-keys.js';

/** Chunks read per LRANGE. */
const READ_CHUNKS = 8;

export function redisHistoricalUploads(redis: Redis, keys: HistoricalKeys, ttlMs: number): HistoricalUploads {
  return {
    async create(id, format: UploadFormat, batches, header) {
      const linesKey = keys.uploadLines(id);
      let rows = 0;
      let bytes = 0;
      for await (const lines of batches) {
        if (lines.length === 0) continue;
        const chunk = lines.join('\n');
        rows += lines.length;
        // The lines with one line break each, however the body's chunks split them into batches.
        bytes += Buffer.byteLength(chunk) + 1;
        await redis.multi().rpush(linesKey, chunk).pexpire(linesKey, ttlMs).exec();
      }
      const expiresAt = Date.now() + ttlMs;
      const meta: UploadMeta = { id, format, rows, bytes, expiresAt, ...(header ? { header } : {}) };
      await redis
        .multi()
        .hset(keys.uploadMeta(id), 'meta', JSON.stringify(meta))
        .pexpire(keys.uploadMeta(id), ttlMs)
        .exec();
      return meta;
    },
    async meta(id) {
      const raw = await redis.hget(keys.uploadMeta(id), 'meta');
      return raw === null ? null : (JSON.parse(raw) as UploadMeta);
    },
    async *read(id) {
      for await (const chunk of this.chunks(id)) yield chunk.split('\n');
    },
    async *chunks(id) {
      const key = keys.uploadLines(id);
      const range = (at: number) => {
        const read = redis.lrange(key, at, at + READ_CHUNKS - 1);
        read.catch(() => {}); // awaited below, unless the reader stops first
        return read;
      };
      // The next LRANGE is on its way while the caller works through this one's chunks.
      let next = range(0);
      for (let at = READ_CHUNKS; ; at += READ_CHUNKS) {
        const chunks = await next;
        if (chunks.length < READ_CHUNKS) {
          yield* chunks;
          return;
        }
        next = range(at);
        yield* chunks;
      }
    },
  };
}
