import type { HttpCtx } from '../../../shared/contract/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';

/** Only declared queues may be inspected: a name from the URL never reaches the broker unchecked. */
export function assertKnownQueue(ctx: HttpCtx, queue: string): void {
  if (!ctx.queueAdmin.queues().includes(queue)) {
    throw new NotFoundError(`No queue named ${queue.slice(0, 200)}`);
  }
}
