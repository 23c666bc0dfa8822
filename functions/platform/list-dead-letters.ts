import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { deadMessageSchema, queueParams } from './lib/schemas.ts';

/** Messages a queue gave up on, with the error of their last attempt. */
export default defineHttp({
  method: 'GET',
  path: '/queues/:queue/dead-letters',
  auth: 'admin',
  summary: 'List dead-lettered messages of a queue',
  params: queueParams,
  query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
  responses: {
    200: {
      description: 'Dead messages, oldest first',
      schema: z.object({ queue: z.string(), messages: z.array(deadMessageSchema) }),
    },
    404: { description: 'No such queue' },
  },
  handler: async ({ params, query }, ctx) => {
    assertKnownQueue(ctx, params.queue);
    const messages = await ctx.queueAdmin.listDead(params.queue, query.limit);
    return json({ queue: params.queue, messages });
  },
});
