import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { queueDepthSchema } from './lib/schemas.ts';

/** Every consuming queue with its depth, and which broker driver is live. */
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
      }),
    },
  },
  handler: async (_req, ctx) => {
    const names = ctx.queueAdmin.queues();
    const depths = await Promise.all(names.map((name) => ctx.queueAdmin.depth(name)));
    return json({
      driver: ctx.queueAdmin.driver,
      queues: names.map((name, i) => ({ name, depth: depths[i] })),
    });
  },
});
