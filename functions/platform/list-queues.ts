import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { queueDepthSchema } from './lib/schemas.ts';

/** Every consuming queue with its depth, which broker driver is live, and what waits in the outbox. */
export default defineHttp({
  method: 'GET',
  path: '/queues',
  auth: 'admin',
  summary: 'List queues and their depth',
  responses: {
    200: {
      description: 'Queues with ready, delayed and dead message counts',
      schema: z.object({
        driver: z.string(),
        queues: z.array(z.object({ name: z.string(), depth: queueDepthSchema })),
        outbox: z.object({
          pending: z
            .number()
            .int()
            .describe('Messages committed to the outbox, not yet confirmed by the broker'),
          lagSeconds: z.number().describe('How long the oldest of them has waited'),
        }),
      }),
    },
  },
  handler: async (_req, ctx) => {
    const names = ctx.queueAdmin.queues();
    const [depths, outbox] = await Promise.all([
      Promise.all(names.map((name) => ctx.queueAdmin.depth(name))),
      ctx.queueAdmin.outbox(),
    ]);
    return json({
      driver: ctx.queueAdmin.driver,
      queues: names.map((name, i) => ({ name, depth: depths[i] })),
      outbox,
    });
  },
});
