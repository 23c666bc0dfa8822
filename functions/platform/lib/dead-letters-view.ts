import type { HttpCtx } from '../../../shared/contract/index.ts';
import type { DeadMessage, QueueDepth } from '../../../shared/queue/port.ts';

export const queuePagePath = (queue: string) => `/console/queues/${encodeURIComponent(queue)}`;

/** The dead letters a queue page lists at most; replay and purge of "all" reach past it. */
export const LISTED_DEAD_LETTERS = 100;

export interface QueueView {
  queue: string;
  depth: QueueDepth | null;
  dead: DeadMessage[];
  /** Why the broker could not be read; depth and dead letters are unknown then. */
  brokerError?: string;
}

export async function loadQueue(ctx: Pick<HttpCtx, 'queueAdmin'>, queue: string): Promise<QueueView> {
  try {
    const [depth, dead] = await Promise.all([
      ctx.queueAdmin.depth(queue),
      ctx.queueAdmin.listDead(queue, LISTED_DEAD_LETTERS),
    ]);
    return { queue, depth, dead };
  } catch (err) {
    return { queue, depth: null, dead: [], brokerError: err instanceof Error ? err.message : String(err) };
  }
}

/** A dead letter's body as a person reads it: its payload as indented JSON, or the raw text. */
export function deadBody(message: DeadMessage): string {
  if (!message.envelope) return message.rawBody ?? '';
  return JSON.stringify(message.envelope.payload, null, 2);
}

export const NOTHING_PICKED = { type: 'error', message: 'Pick at least one dead letter first.' } as const;
