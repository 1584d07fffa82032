/**
 * Retries an operation until it succeeds, the error is not transient, or `signal` aborts. Ordered sources must
 * not let a later batch overtake a failed one, so batch jobs retry *inside* the job instead of failing it.
 * Backoff: exponential from `baseMs` to `maxMs` with full jitter.
 */
export interface RetryOptions {
  baseMs: number;
  maxMs: number;
  isTransient: (err: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function retryInPlace<T>(op: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!options.isTransient(err) || options.signal?.aborted) throw err;
      const delayMs = Math.random() * Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
      options.onRetry?.(err, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Errors that come from the connection to Redis (or another backend) rather than from the data, including a
 * write that too few replicas acknowledged (adapters/redis/replica-ack.ts): it passes once a replica is back.
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (
    code &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)
  )
    return true;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.name === 'ReplicaAckError' ||
    // A Redis Cluster client between slot maps (a failover): no node answered, or redirections ran out.
    err.name === 'ClusterAllFailedError' ||
    /Too many Cluster redirections|None of startup nodes is available/.test(err.message) ||
    /Connection is closed|Stream isn't writeable|LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|READONLY|kept changing/.test(
      err.message,
    )
  );
}
