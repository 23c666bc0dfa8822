import type { Publisher } from '../contract/context.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createEnvelope } from '../queue/envelope.ts';
import type { QueueDriver } from '../queue/port.ts';

/** `ctx.queue`: wraps a driver's publish in an envelope, counting what was published. */
export function createPublisher(
  driver: QueueDriver,
  metrics: Metrics,
  defaults: { correlationId?: string } = {},
): Publisher {
  return {
    async publish(kind, payload, options = {}) {
      const correlationId = options.correlationId ?? defaults.correlationId;
      const envelope = createEnvelope({
        kind,
        payload,
        ...(correlationId ? { correlationId } : {}),
        ...(options.jobId ? { jobId: options.jobId } : {}),
        ...(options.messageId ? { id: options.messageId } : {}),
      });
      await driver.publish(envelope);
      metrics.published.inc({ kind });
      return { messageId: envelope.id };
    },
  };
}
