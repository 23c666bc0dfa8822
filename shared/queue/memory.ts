import { AsyncResource } from 'node:async_hooks';
import type { Logger } from 'pino';
import { QueueUnavailableError } from '../errors.ts';
import { parseEnvelope, serializeEnvelope, type Envelope } from './envelope.ts';
import { UnroutableMessageError } from './errors.ts';
import type {
  Consumer,
  DeadMessage,
  DeliveryHandler,
  Outcome,
  QueueDepth,
  QueueDriver,
  QueueSpec,
  Topology,
} from './port.ts';

/**
 * In-process queue driver: the zero-setup default and the unit-test driver. Same outcomes
 * as the brokers (retry with backoff, dead-letter, concurrency limits), but everything lives
 * in this process's memory: queued, delayed and dead messages are lost when it stops.
 */
interface MemoryQueue {
  spec: QueueSpec;
  ready: Buffer[];
  delayed: Set<NodeJS.Timeout>;
  dead: DeadMessage[];
  consumer?: MemoryConsumer;
}

interface MemoryConsumer extends Consumer {
  pump(): void;
}

export function createMemoryDriver(options: { log?: Logger } = {}): QueueDriver {
  const queues = new Map<string, MemoryQueue>();
  const bindings = new Map<string, MemoryQueue[]>();
  let closed = false;

  function queueOf(name: string): MemoryQueue {
    const queue = queues.get(name);
    if (!queue) throw new Error(`memory driver: queue '${name}' is not declared`);
    return queue;
  }

  function enqueue(queue: MemoryQueue, body: Buffer): void {
    queue.ready.push(body);
    queue.consumer?.pump();
  }

  function applyOutcome(queue: MemoryQueue, body: Buffer, outcome: Outcome): void {
    switch (outcome.type) {
      case 'ack':
        return;
      case 'retry': {
        const timer = setTimeout(() => {
          queue.delayed.delete(timer);
          enqueue(queue, Buffer.from(JSON.stringify(outcome.envelope)));
        }, outcome.delayMs);
        queue.delayed.add(timer);
        return;
      }
      case 'dead':
        queue.dead.push(
          deadMessage(
            queue.spec.name,
            outcome.envelope ? Buffer.from(JSON.stringify(outcome.envelope)) : body,
            outcome.error,
          ),
        );
        return;
    }
  }

  function startConsumer(queue: MemoryQueue, handler: DeliveryHandler): MemoryConsumer {
    const inFlight = new Set<Promise<void>>();
    let stopped = false;
    // Deliveries start from whoever publishes: often a task inside its transaction. Run the
    // handler in the consumer's own async context, as a broker's delivery would arrive, so
    // nothing context-bound (such as the embedded database's transaction) leaks into it.
    const scope = new AsyncResource('memory-consumer');
    const consumer: MemoryConsumer = {
      pump() {
        while (!stopped && inFlight.size < queue.spec.concurrency && queue.ready.length > 0) {
          const body = queue.ready.shift() as Buffer;
          const run = scope
            .runInAsyncScope(() => handler({ body, queue: queue.spec.name, redelivered: false }))
            .then((outcome) => applyOutcome(queue, body, outcome))
            .catch((err: unknown) => {
              // The consumer core never throws; if it does, keep the message rather than lose it.
              options.log?.error({ err, queue: queue.spec.name }, 'delivery handler threw; message requeued');
              queue.ready.unshift(body);
            })
            .finally(() => {
              inFlight.delete(run);
              setImmediate(() => consumer.pump());
            });
          inFlight.add(run);
        }
      },
      async stop() {
        stopped = true;
        if (queue.consumer === consumer) delete queue.consumer;
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      },
    };
    return consumer;
  }

  return {
    name: 'memory',

    async declare(topology: Topology) {
      for (const spec of topology.queues) {
        const existing = queues.get(spec.name);
        if (existing) {
          existing.spec = spec;
          continue;
        }
        const queue: MemoryQueue = { spec, ready: [], delayed: new Set(), dead: [] };
        queues.set(spec.name, queue);
        for (const kind of spec.kinds) bindings.set(kind, [...(bindings.get(kind) ?? []), queue]);
      }
    },

    async publish(envelope: Envelope) {
      if (closed) throw new QueueUnavailableError('memory driver is closed');
      const targets = bindings.get(envelope.kind);
      if (!targets?.length) throw new UnroutableMessageError(`no queue consumes kind '${envelope.kind}'`);
      const body = serializeEnvelope(envelope);
      for (const queue of targets) enqueue(queue, Buffer.from(body));
    },

    async consume(spec: QueueSpec, handler: DeliveryHandler) {
      const queue = queueOf(spec.name);
      if (queue.consumer) throw new Error(`memory driver: queue '${spec.name}' already has a consumer`);
      const consumer = startConsumer(queue, handler);
      queue.consumer = consumer;
      consumer.pump();
      return consumer;
    },

    async depth(name: string): Promise<QueueDepth> {
      const queue = queueOf(name);
      return { ready: queue.ready.length, delayed: queue.delayed.size, dead: queue.dead.length };
    },

    async listDead(name: string, limit: number) {
      return queueOf(name).dead.slice(0, limit);
    },

    async replayDead(name: string, opts: { deadIds?: string[]; limit?: number } = {}) {
      const queue = queueOf(name);
      const wanted = opts.deadIds ? new Set(opts.deadIds) : undefined;
      const limit = opts.limit ?? Infinity;
      let replayed = 0;
      queue.dead = queue.dead.filter((message) => {
        if (replayed >= limit || !message.envelope || (wanted && !wanted.has(message.deadId))) return true;
        enqueue(queue, Buffer.from(JSON.stringify({ ...message.envelope, attempt: 1 })));
        replayed++;
        return false;
      });
      return replayed;
    },

    async purgeDead(name: string, opts: { deadIds?: string[] } = {}) {
      const queue = queueOf(name);
      const wanted = opts.deadIds ? new Set(opts.deadIds) : undefined;
      const before = queue.dead.length;
      queue.dead = wanted ? queue.dead.filter((message) => !wanted.has(message.deadId)) : [];
      return before - queue.dead.length;
    },

    async check() {
      if (closed) throw new QueueUnavailableError('memory driver is closed');
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...queues.values()].map((q) => q.consumer?.stop()));
      for (const queue of queues.values()) for (const timer of queue.delayed) clearTimeout(timer);
    },
  };
}

function deadMessage(queue: string, body: Buffer, error: string): DeadMessage {
  const parsed = parseEnvelope(body);
  const deadAt = new Date().toISOString();
  if (parsed.ok) return { deadId: parsed.envelope.id, queue, error, deadAt, envelope: parsed.envelope };
  return {
    deadId: `raw-${deadAt}-${Math.random().toString(36).slice(2, 8)}`,
    queue,
    error,
    deadAt,
    rawBody: body.toString('utf8'),
  };
}
