/** Small JSON-over-HTTP helpers for setting up scenarios and polling (not for load: that is autocannon's). */

export async function call<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface StatusCounts {
  accepted: number;
  rejected: number;
  late: number;
  duplicate: number;
}

export async function statusCounts(base: string, view: string): Promise<StatusCounts> {
  return (await call<{ counts: StatusCounts }>('GET', `${base}/v1/feature-views/${view}/status`)).counts;
}

/** Records counted by the view (applied or judged late/duplicate, or rejected). */
export const processed = (c: StatusCounts) => c.accepted + c.late + c.duplicate + c.rejected;

/**
 * Polls the view's status every `everyMs` until `want` records are counted; returns the time (performance.now())
 * of the first poll that saw them, and of the first poll that saw any. Throws after `timeoutMs`.
 */
export async function waitCounted(
  base: string,
  view: string,
  want: number,
  timeoutMs: number,
  everyMs = 20,
): Promise<{ at: number; firstAt: number; counts: StatusCounts }> {
  const deadline = performance.now() + timeoutMs;
  let firstAt = Number.NaN;
  for (;;) {
    const counts = await statusCounts(base, view);
    const at = performance.now();
    if (Number.isNaN(firstAt) && processed(counts) > 0) firstAt = at;
    if (processed(counts) >= want) return { at, firstAt, counts };
    if (at > deadline)
      throw new Error(`view ${view}: ${processed(counts)} of ${want} records counted in time`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
