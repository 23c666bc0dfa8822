import * as z from 'zod';
import { defineHttp, navigate } from '../../shared/contract/index.ts';
import { CONSOLE_PATH } from './lib/console-view.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { nextPath } from './lib/next-path.ts';
import { NOTHING_PICKED } from './lib/dead-letters-view.ts';
import { queueParams } from './lib/schemas.ts';

/** The console's Replay buttons: the picked dead letters of a queue (or all) back on it, attempts reset. */
export default defineHttp({
  method: 'POST',
  path: '/console/queues/:queue/replay',
  summary: 'Console: replay dead letters of a queue',
  hidden: true,
  auth: 'admin',
  params: queueParams,
  body: z.object({
    ids: z.array(z.string().min(1).max(500)).max(1000).optional(),
    /** `selected`: only the picked ones (none picked is a mistake, not "all"). */
    scope: z.enum(['selected', 'all']).default('all'),
    /** The console page the button was on. */
    next: z.string().max(500).optional(),
  }),
  handler: async (req, ctx) => {
    const { queue } = req.params;
    assertKnownQueue(ctx, queue);
    const back = nextPath(req.body.next, CONSOLE_PATH);
    const ids = req.body.ids ?? (req.body.scope === 'selected' ? [] : undefined);
    if (ids?.length === 0) return navigate(req, back, { flash: NOTHING_PICKED });
    const replayed = await ctx.queueAdmin.replayDead(queue, ids ? { deadIds: ids } : { limit: 1000 });
    await ctx.operator.record({
      actor: req.user.email,
      action: 'replay',
      target: queue,
      count: replayed,
    });
    const message = `Replayed ${replayed} dead ${replayed === 1 ? 'letter' : 'letters'} of ${queue}.`;
    return navigate(req, back, { flash: { type: 'success', message } });
  },
});
