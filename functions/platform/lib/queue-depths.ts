import type { HttpCtx } from '../../../shared/contract/index.ts';

export interface QueueRow {
  name: string;
  /** null when the broker cannot be reached. */
  depth: { ready: number; delayed: number; dead: number } | null;
}

/**
 * Every consuming queue with its depth. With the broker unreachable the depths are null and
 * `brokerError` says why: the caller still shows what it knows (the outbox lives in the database).
 */
export async function queueDepths(
  ctx: Pick<HttpCtx, 'queueAdmin'>,
): Promise<{ queues: QueueRow[]; brokerError?: string }> {
  const names = ctx.queueAdmin.queues();
  try {
    const depths = await Promise.all(names.map((name) => ctx.queueAdmin.depth(name)));
    return { queues: names.map((name, i) => ({ name, depth: depths[i]! })) };
  } catch (err) {
    return {
      queues: names.map((name) => ({ name, depth: null })),
      brokerError: err instanceof Error ? err.message : String(err),
    };
  }
}
