import type { Queryable } from '../db/port.ts';
import { serializeEnvelope, type Envelope } from '../queue/envelope.ts';

/**
 * Writing to the transactional outbox (table `outbox`, migration 0012): the envelope is stored in
 * the caller's transaction, and a `NOTIFY` raised there too, which Postgres delivers only when that
 * transaction commits: the relay wakes for committed messages, never for rolled-back ones.
 */

export const OUTBOX_CHANNEL = 'fnstack_outbox';

export async function writeToOutbox(tx: Queryable, envelope: Envelope): Promise<void> {
  await tx.query(`insert into outbox (message_id, kind, envelope) values ($1, $2, $3)`, [
    envelope.id,
    envelope.kind,
    serializeEnvelope(envelope),
  ]);
  await tx.query(`select pg_notify($1, '')`, [OUTBOX_CHANNEL]);
}

/**
 * What waits in the outbox: how many messages, and how long the oldest has waited; only messages
 * of `kinds` when given (an app asking whether its own events are still on their way).
 */
export async function outboxBacklog(
  db: Queryable,
  kinds?: readonly string[],
): Promise<{ pending: number; lagSeconds: number }> {
  const { rows } = await db.query<{ pending: number; lag: number }>(
    `select count(*)::int as pending,
            coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as lag
       from outbox where sent_at is null and ($1::text[] is null or kind = any($1))`,
    [kinds ?? null],
  );
  return { pending: rows[0]!.pending, lagSeconds: rows[0]!.lag };
}
