/**
 * Gathers the reads that start in one event-loop turn into one call, sent on the next turn: keys deduplicated,
 * at most `maxKeys` per call (a fuller call is sent at once and a new one gathered). Every read still asks
 * after it started. This is the read path's batching instead of ioredis auto-pipelining, which kept each
 * in-flight command reachable from the pipeline that follows it, so young-generation collections grew slow.
 */

/** A read waiting for the call: the indices of its keys among the call's unique keys. */
interface Waiter<A> {
  at: number[];
  resolve(answers: A[]): void;
  reject(err: unknown): void;
}

/** A call being gathered: unique keys (with their index) and the reads waiting for it. */
interface Gathering<A> {
  index: Map<string, number>;
  waiters: Waiter<A>[];
}

/**
 * Returns a read of many keys that joins the call being gathered; it resolves with one answer per key asked
 * (duplicates included), or rejects with the call's error.
 */
export function gatherPerTurn<A>(
  call: (unique: string[]) => Promise<A[]>,
  maxKeys: number,
): (keys: readonly string[]) => Promise<A[]> {
  let gathering: Gathering<A> | null = null;

  function send(batch: Gathering<A>) {
    if (gathering === batch) gathering = null;
    else if (batch.index.size === 0) return; // already sent
    const unique = [...batch.index.keys()];
    batch.index.clear();
    call(unique).then(
      (answers) => {
        for (const w of batch.waiters) w.resolve(w.at.map((i) => answers[i]!));
      },
      (err: unknown) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  return (keys) => {
    if (gathering && gathering.index.size + keys.length > maxKeys) send(gathering);
    if (!gathering) {
      const batch: Gathering<A> = { index: new Map(), waiters: [] };
      gathering = batch;
      setImmediate(() => send(batch));
    }
    const { index, waiters } = gathering;
    const at = keys.map((key) => {
      let i = index.get(key);
      if (i === undefined) {
        i = index.size;
        index.set(key, i);
      }
      return i;
    });
    return new Promise((resolve, reject) => waiters.push({ at, resolve, reject }));
  };
}
