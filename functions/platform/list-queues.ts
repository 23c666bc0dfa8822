import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { queueDepths } from './lib/queue-depths.ts';
import { queueDepthSchema } from './lib/schemas.ts';

/**
 * Every consuming queue with its depth, which broker driver is live, and what waits in the outbox.
 * With the broker unreachable the depths are null and `brokerError` says why, while the outbox,
 * which lives in the database, still shows what is piling up: when an operator most needs it.
 */
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
        queues: z.array(
          z.object({
            name: z.string(),
            depth: queueDepthSchema.nullable().describe('null when the broker cannot be reached'),
          }),
        ),
        brokerError: z.string().optional().describe('Why the depths are missing: the broker did not answer'),
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
    const [depths, outbox] = await Promise.all([queueDepths(ctx), ctx.queueAdmin.outbox()]);
    return json({ driver: ctx.queueAdmin.driver, ...depths, outbox });
  },
});
