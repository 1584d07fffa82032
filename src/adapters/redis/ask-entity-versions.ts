/**
 * One call of the read path for a set of unique entity keys, each asked with the version the cache holds when
 * the call leaves. Cached keys first ask one MGET of their version keys (keys.ts, `entityVersionKey`); only
 * those whose version moved (or that have no version key yet: states written before it existed) go on to the
 * read script, together with the keys not cached at all.
 */
import type { Redis } from 'ioredis';
import { entityVersionKey } from './keys.js';
import type { ReadEntities, ReadEntityReply } from './read-entities-script.js';
import { groupBySlot, inKeyOrder, sendPerNode } from './slot-rule.js';

/** A reply with the version the call sent for its key ('' = none). */
export interface EntityAnswer {
  reply: ReadEntityReply;
  sent: string;
}

/** Answers for `unique` keys, in order. */
export type AskEntities = (unique: string[]) => Promise<EntityAnswer[]>;

export function askEntityVersions(
  redis: Redis,
  readEntities: ReadEntities,
  /** The version the cache holds for a key now ('' = not cached). */
  cachedVersion: (key: string) => string,
): AskEntities {
  /** The read script for some of `unique` (indices `at`), filling their answers. */
  async function readScript(unique: string[], sent: string[], at: number[], answers: EntityAnswer[]) {
    const replies = await readEntities(
      at.map((i) => unique[i]!),
      at.map((i) => sent[i]!),
    );
    at.forEach((i, j) => {
      answers[i] = { reply: replies[j]!, sent: sent[i]! };
    });
  }

  /** MGET of the version keys of the cached ones (`known`); the moved ones go on to the script. */
  async function checkKnown(unique: string[], sent: string[], known: number[], answers: EntityAnswer[]) {
    if (known.length === 0) return;
    const current = await mgetBySlot(
      redis,
      known.map((i) => entityVersionKey(unique[i]!)),
    );
    const moved: number[] = [];
    known.forEach((i, j) => {
      if (current[j] === sent[i]) answers[i] = { reply: 1, sent: sent[i]! };
      else moved.push(i);
    });
    if (moved.length > 0) await readScript(unique, sent, moved, answers);
  }

  return async (unique) => {
    // The version each key is cached at now, when the call leaves (not when each read joined it).
    const sent = unique.map((key) => cachedVersion(key));
    const answers: EntityAnswer[] = new Array(unique.length);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < sent.length; i++) (sent[i] === '' ? unknown : known).push(i);
    await Promise.all([
      checkKnown(unique, sent, known, answers),
      unknown.length > 0 && readScript(unique, sent, unknown, answers),
    ]);
    return answers;
  };
}

/** MGET of `keys`, one MGET per slot group, one pipeline per node (slot-rule.ts); values in the keys' order. */
async function mgetBySlot(redis: Redis, keys: string[]): Promise<(string | null)[]> {
  const parts = groupBySlot(redis, keys, keys.length);
  if (parts.length === 1) return redis.mget(keys);
  const replies = await sendPerNode<(string | null)[]>(redis, keys, parts, (pipeline, part) =>
    pipeline.mget(part.map((i) => keys[i]!)),
  );
  return inKeyOrder(parts, replies, keys.length);
}
