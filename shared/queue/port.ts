import type { Envelope } from './envelope.ts';

/**
 * The queue port. Drivers (`memory`, `rabbitmq`, later `sqs`) implement it; nothing else in
 * the project imports a broker library. Drivers agree on *outcomes* (ack, retry later,
 * dead-letter) and each turns an outcome into its own broker mechanics.
 */

/** Retry policy of one task function. Delay of retry n (1-based) = min(max, base * 2^(n-1)) with ±jitter. */
export interface RetryPolicy {
  /** Total deliveries including the first one. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One consuming queue, owned by one task function, bound to the kinds it consumes. */
export interface QueueSpec {
  /** Queue name without prefix, e.g. `gradcafe.scrape-new-data`. */
  name: string;
  kinds: string[];
  /** Messages handled at once (AMQP prefetch). */
  concurrency: number;
  retry: RetryPolicy;
}

export interface Topology {
  queues: QueueSpec[];
}

/** A message as a driver hands it to the consumer core. */
export interface Delivery {
  /** Raw body as received; the core parses and validates it. */
  body: Buffer;
  /** Which queue it came from. */
  queue: string;
  /** The broker says this may have been delivered before (e.g. a worker died mid-message). */
  redelivered: boolean;
  /**
   * How many times the broker has handed out this very body, for transports that retry by
   * redelivering the message unchanged (Lambda's SQS event source: a failed record comes back
   * after its visibility timeout), so the core counts attempts from it. Drivers that retry with
   * a new message carrying `attempt + 1` leave it unset.
   */
  receiveCount?: number;
}

export type Outcome =
  | { type: 'ack' }
  /** Try again later. `envelope` is what to redeliver (attempt already incremented). */
  | { type: 'retry'; envelope: Envelope; delayMs: number; error: string }
  /** Give up: move to the queue's dead-letter queue with the reason. */
  | { type: 'dead'; error: string; envelope?: Envelope };

export type DeliveryHandler = (delivery: Delivery) => Promise<Outcome>;

export interface DeadMessage {
  /** Driver-specific handle used to replay one message. */
  deadId: string;
  queue: string;
  error: string;
  deadAt: string;
  /** The envelope if the body parsed, else the raw body as text. */
  envelope?: Envelope;
  rawBody?: string;
}

export interface QueueDepth {
  ready: number;
  /** Messages waiting for a retry delay to pass. */
  delayed: number;
  dead: number;
}

export interface Consumer {
  /** Stop taking new messages and wait for in-flight ones to finish (and be acked). */
  stop(): Promise<void>;
}

/**
 * A broker as the platform sees it, in two halves: the transport (publish, consume, and what they
 * need) that publishers and workers use, and the inspection of queues and their dead letters that
 * only the console and the CLI use (ctx.queueAdmin exposes that half, never the transport).
 */
export type QueueDriver = QueueTransport & QueueInspection;

export interface QueueTransport {
  readonly name: 'memory' | 'rabbitmq' | 'sqs';
  /** Create exchanges/queues/bindings/DLQs for the topology. Idempotent. */
  declare(topology: Topology): Promise<void>;
  /**
   * Publish to every queue bound to `envelope.kind`. Resolves only once the broker has
   * confirmed; rejects with QueueUnavailableError when it cannot.
   */
  publish(envelope: Envelope): Promise<void>;
  /** Start consuming one declared queue with at most `spec.concurrency` messages in flight. */
  consume(spec: QueueSpec, handler: DeliveryHandler): Promise<Consumer>;
  /** Throws when the broker is not reachable (readiness). */
  check(): Promise<void>;
  /** Stop every consumer (draining in-flight work), then disconnect. */
  close(): Promise<void>;
}

export interface QueueInspection {
  depth(queue: string): Promise<QueueDepth>;
  listDead(queue: string, limit: number): Promise<DeadMessage[]>;
  /** Move dead messages back to their queue with attempt reset to 1. Returns how many moved. */
  replayDead(queue: string, options?: { deadIds?: string[]; limit?: number }): Promise<number>;
  /** Delete dead messages for good: these ones, or every one. Returns how many were deleted. */
  purgeDead(queue: string, options?: { deadIds?: string[] }): Promise<number>;
}

/** Backoff delay for the retry that follows failed attempt `attempt` (1-based), with ±20% jitter. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jitter = exp * 0.2 * (random() * 2 - 1);
  return Math.max(0, Math.round(exp + jitter));
}
