import type { HttpCtx } from '../../../shared/contract/index.ts';
import { PRODUCT_EVENT_KINDS } from './events.ts';

/** This service's own queue: the gallery's likes wait here to be counted (count-like.ts). */
export const LIKES_QUEUE = 'catalog-admin.count-like';

/**
 * How far the gallery and this service are from each other, from this side: product changes
 * committed but not yet handed to the broker (the outbox), and likes received but not yet counted.
 * `undefined` counts when the broker cannot say (it is down): the page says so instead of guessing.
 */
export interface SyncStatus {
  unsentChanges: number;
  oldestUnsentSeconds: number;
  uncountedLikes: number | undefined;
}

export async function syncStatus(ctx: Pick<HttpCtx, 'queueAdmin'>): Promise<SyncStatus> {
  const [outbox, likes] = await Promise.all([
    ctx.queueAdmin.outbox(Object.values(PRODUCT_EVENT_KINDS)),
    ctx.queueAdmin.depth(LIKES_QUEUE).then(
      (depth) => depth.ready + depth.delayed,
      () => undefined,
    ),
  ]);
  return { unsentChanges: outbox.pending, oldestUnsentSeconds: outbox.lagSeconds, uncountedLikes: likes };
}
