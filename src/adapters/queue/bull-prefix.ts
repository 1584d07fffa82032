/** BullMQ key prefix under Eddy's prefix; the `{q}` hash tag keeps every queue key in one slot (Redis Cluster). */
export const bullPrefix = (keyPrefix: string) => `${keyPrefix}:{q}`;
