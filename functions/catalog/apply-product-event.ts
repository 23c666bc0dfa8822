import { defineTask } from '../../shared/contract/index.ts';
import { PRODUCT_EVENT_KINDS, productEventSchema } from './lib/events.ts';
import { applyProductEvent } from './lib/replica.ts';

/**
 * The admin service's product events, applied to the gallery's replica. Stale and repeated events
 * change nothing (see applyProductEvent), so the order and the number of deliveries do not matter.
 */
export default defineTask({
  consumes: [...PRODUCT_EVENT_KINDS],
  payload: productEventSchema,
  concurrency: 16,
  batch: true,
  handler: async (event, ctx) => {
    const applied = await applyProductEvent(ctx.db, event);
    if (!applied)
      ctx.log.info({ productId: event.productId, version: event.version }, 'stale product event ignored');
    return { applied };
  },
});
