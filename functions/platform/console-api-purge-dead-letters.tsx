import * as z from 'zod';
import { defineHttp, html, json, navigate } from '../../shared/contract/index.ts';
import { ValidationError } from '../../shared/errors.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { NOTHING_PICKED, queuePagePath } from './lib/dead-letters-view.ts';
import { assertKnownQueue } from './lib/known-queue.ts';
import { queueParams } from './lib/schemas.ts';
import { PurgePage } from './views/purge-page.tsx';

/**
 * Delete dead letters for good. A browser's form post first gets a confirmation page (how many,
 * one button that really deletes), then the purge and a flash on the queue page; a script's
 * call purges at once.
 */
export default defineHttp({
  method: 'POST',
  path: '/console/api/queues/:queue/dead-letters/purge',
  auth: 'admin',
  summary: 'Purge dead-lettered messages',
  description:
    'Deletes the given `ids` (deadId values from the listing), or every dead letter of the queue, ' +
    "unparseable ones too. They cannot be replayed afterwards. Recorded in the console's actions.",
  params: queueParams,
  body: z.object({
    ids: z.array(z.string().min(1).max(500)).min(1).max(1000).optional(),
    scope: z.enum(['selected', 'all']).optional().describe('Form use: `selected` with no ids is refused'),
    confirm: z.literal('yes').optional().describe('Form use: the confirmation page sets it'),
  }),
  responses: {
    200: {
      description: 'How many messages were deleted',
      schema: z.object({ queue: z.string(), purged: z.number() }),
    },
    404: { description: 'No such queue' },
  },
  handler: async (req, ctx) => {
    const { queue } = req.params;
    assertKnownQueue(ctx, queue);
    const { body } = req;
    // A form's "Purge selected" with nothing ticked sends no ids at all: that is not "all".
    const ids = body.ids ?? (body.scope === 'selected' ? [] : undefined);
    if (ids?.length === 0) {
      if (!req.wantsHtml) throw new ValidationError('scope is `selected` but no ids were given');
      return navigate(req, queuePagePath(queue), { flash: NOTHING_PICKED });
    }
    if (req.wantsHtml) {
      if (body.confirm !== 'yes') {
        const dead = ids
          ? null
          : await ctx.queueAdmin.depth(queue).then(
              (d) => d.dead,
              () => null,
            );
        return html(<PurgePage queue={queue} ids={ids} dead={dead} viewer={await pageViewer(req)} />);
      }
    }
    const purged = await ctx.queueAdmin.purgeDead(queue, ids ? { deadIds: ids } : {});
    await ctx.operator.record({ actor: req.user.email, action: 'purge', target: queue, count: purged });
    if (!req.wantsHtml) return json({ queue, purged });
    const message = `Deleted ${purged} dead ${purged === 1 ? 'letter' : 'letters'} of ${queue}.`;
    return navigate(req, queuePagePath(queue), { flash: { type: 'success', message } });
  },
});
