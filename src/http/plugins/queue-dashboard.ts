/**
 * The queue dashboard (Bull Board) at /admin/queues, over every queue it is given (the push lanes, and any
 * queue a component adds to the list). Its routes are `admin`-scoped by the auth plugin (everything under
 * /admin is) and hidden from the OpenAPI document.
 *
 * Read-only: the queues hold accepted records, so the dashboard offers no action that removes, empties,
 * obliterates, pauses or re-runs jobs (Bull Board refuses them server-side too).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export async function registerQueueDashboard(app: FastifyInstance, queues: readonly Queue[]) {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Eddy queues' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
}
