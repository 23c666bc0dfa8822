/**
 * `idempotencyKey` on `ctx.queue.publish` and `ctx.jobs.trigger`: the same key gives the same
 * message id (so a redelivered task that publishes again is dropped by the consumer's inbox),
 * scoped by kind, and no key gives a fresh id every time.
 */
import { describe, expect, it } from 'vitest';
import type { QueueDriver } from '../../shared/queue/port.ts';
import type { Envelope } from '../../shared/queue/envelope.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { createJobs } from '../../shared/runtime/jobs.ts';
import { createPublisher, messageIdFor } from '../../shared/runtime/publisher.ts';

function recordingPublisher() {
  const sent: Envelope[] = [];
  const driver = {
    publish: async (envelope: Envelope) => {
      sent.push(envelope);
    },
  } as Partial<QueueDriver> as QueueDriver;
  return { sent, publisher: createPublisher(driver, createMetrics()) };
}

describe('idempotent publishing', () => {
  it('gives one key of one kind one message id, and the envelope carries it', async () => {
    const { sent, publisher } = recordingPublisher();
    const first = await publisher.publish('report_finished', { n: 1 }, { idempotencyKey: 'm-1' });
    const again = await publisher.publish('report_finished', { n: 1 }, { idempotencyKey: 'm-1' });
    const otherKind = await publisher.publish('report_started', { n: 1 }, { idempotencyKey: 'm-1' });
    const otherKey = await publisher.publish('report_finished', { n: 1 }, { idempotencyKey: 'm-2' });
    expect(again.messageId).toBe(first.messageId);
    expect(first.messageId).toBe(messageIdFor('report_finished', 'm-1'));
    expect(otherKind.messageId).not.toBe(first.messageId);
    expect(otherKey.messageId).not.toBe(first.messageId);
    expect(sent.map((e) => e.id)).toEqual([first, again, otherKind, otherKey].map((r) => r.messageId));
  });

  it('gives a fresh id to every publish without a key', async () => {
    const { publisher } = recordingPublisher();
    const a = await publisher.publish('k', {});
    const b = await publisher.publish('k', {});
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('lets jobs.trigger with a key repeat the same job and message', async () => {
    const { publisher } = recordingPublisher();
    const db = {
      query: async () => ({ rows: [], rowCount: 1 }),
      copyFrom: async () => 0,
      copyFromCsv: async () => 0,
    };
    const jobs = createJobs({ db, publisher });
    const first = await jobs.trigger('tick', {}, { idempotencyKey: 'event-1' });
    const again = await jobs.trigger('tick', {}, { idempotencyKey: 'event-1' });
    const other = await jobs.trigger('tick', {}, { idempotencyKey: 'event-2' });
    expect(again).toEqual(first);
    expect(other.jobId).not.toBe(first.jobId);
    expect(other.messageId).not.toBe(first.messageId);
  });
});
