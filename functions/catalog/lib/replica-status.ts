import type { HttpCtx } from '../../../shared/contract/index.ts';

/** This service's own queue: the admin service's product events wait here (apply-product-event.ts). */
export const PRODUCT_EVENTS_QUEUE = 'catalog.apply-product-event';

/**
 * Product events that reached the gallery's queue and are not applied yet: the replica is behind
 * by that many changes. `undefined` when the broker cannot say.
 */
export function pendingProductEvents(ctx: Pick<HttpCtx, 'queueAdmin'>): Promise<number | undefined> {
  return ctx.queueAdmin.depth(PRODUCT_EVENTS_QUEUE).then(
    (depth) => depth.ready + depth.delayed,
    () => undefined,
  );
}
