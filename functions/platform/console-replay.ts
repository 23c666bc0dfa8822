import { defineHttp, navigate } from '../../shared/contract/index.ts';
import { CONSOLE_PATH } from './lib/console-view.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { queueParams } from './lib/schemas.ts';

/** The console's "Replay" button: every dead letter of a queue back on it, attempts reset. */
export default defineHttp({
  method: 'POST',
  path: '/console/queues/:queue/replay',
  summary: 'Console: replay the dead letters of a queue',
  hidden: true,
  auth: 'admin',
  params: queueParams,
  handler: async (req, ctx) => {
    const { queue } = req.params;
    assertKnownQueue(ctx, queue);
    const replayed = await ctx.queueAdmin.replayDead(queue, { limit: 1000 });
    // Who did what, when, and to how many: the log is the record until the console keeps its own.
    ctx.log.info({ queue, replayed, by: req.user.email }, 'dead letters replayed from the console');
    const message = `Replayed ${replayed} dead ${replayed === 1 ? 'letter' : 'letters'} of ${queue}.`;
    return navigate(req, CONSOLE_PATH, { flash: { type: 'success', message } });
  },
});
