import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { queueParams } from './lib/schemas.ts';

/** Put dead messages back on their queue with the attempt count reset. */
export default defineHttp({
  method: 'POST',
  path: '/queues/:queue/dead-letters/replay',
  summary: 'Replay dead-lettered messages',
  auth: 'admin',
  description:
    'Replays the given `ids` (deadId values from the listing), or else up to `limit` of the oldest.',
  params: queueParams,
  body: z.object({
    ids: z.array(z.string().min(1).max(500)).min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  }),
  responses: {
    200: {
      description: 'How many messages were moved back',
      schema: z.object({ queue: z.string(), replayed: z.number() }),
    },
    404: { description: 'No such queue' },
  },
  handler: async ({ params, body }, ctx) => {
    // Admin only once platform auth lands (a later issue): replay changes shared state.
    assertKnownQueue(ctx, params.queue);
    const replayed = await ctx.queueAdmin.replayDead(params.queue, { deadIds: body.ids, limit: body.limit });
    ctx.log.info({ queue: params.queue, replayed }, 'dead letters replayed');
    return json({ queue: params.queue, replayed });
  },
});
