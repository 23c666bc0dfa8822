import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueSpec } from '../port.ts';
import { TopologyConflictError } from '../errors.ts';
import { toQueueError } from './client.ts';
import type { SqsQueueNames } from './names.ts';

/**
 * Receives of one message before SQS itself moves it to the DLQ (the RedrivePolicy). The
 * consumer core normally decides retries and dead-lettering; this only catches a poison
 * message that kills the worker before it can decide anything, every time (like the
 * RabbitMQ driver's delivery limit).
 */
export const MAX_RECEIVE_COUNT = 20;

// The longest SQS keeps a message: a DLQ should outlive whoever has to look into it.
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * Everything this driver knows about its queues: the specs it declared, which queues consume
 * which kind (publish fans out to all of them), and the queue URLs it has resolved.
 */
export interface SqsTopology {
  /** Create (or confirm) a spec's queue and DLQ. Idempotent. */
  declare(spec: QueueSpec): Promise<void>;
  has(queue: string): boolean;
  /** Names of the queues (unprefixed spec names) that consume `kind`. */
  consumersOf(kind: string): string[];
  /** URL of an SQS queue by its full SQS name, resolved once and cached. */
  url(sqsName: string): Promise<string>;
}

export function createSqsTopology(options: {
  client: SQSClient;
  names: SqsQueueNames;
  visibilityTimeoutSeconds: number;
  /** False when infrastructure owns the queues (see SqsDriverOptions.createQueues). */
  createQueues: boolean;
}): SqsTopology {
  const { client, names } = options;
  const specs = new Map<string, QueueSpec>();
  const specBySqsName = new Map<string, string>();
  const bindings = new Map<string, Set<string>>();
  const urls = new Map<string, string>();

  async function createQueue(name: string, attributes: Record<string, string>): Promise<string> {
    try {
      const { QueueUrl } = await client.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
      urls.set(name, QueueUrl);
      return QueueUrl;
    } catch (err) {
      throw toQueueError(err, `create queue '${name}'`);
    }
  }

  async function queueArn(url: string): Promise<string> {
    try {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      if (!Attributes?.QueueArn) throw new Error(`no QueueArn for ${url}`);
      return Attributes.QueueArn;
    } catch (err) {
      throw toQueueError(err, 'read queue ARN');
    }
  }

  async function createQueuePair(spec: QueueSpec): Promise<void> {
    // CreateQueue with the same attributes is a no-op; different ones fail with
    // QueueNameExists, reported as TopologyConflictError (SQS will not change them for us).
    const dlqUrl = await createQueue(names.dlq(spec.name), {
      MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
    });
    const redrive = { deadLetterTargetArn: await queueArn(dlqUrl), maxReceiveCount: MAX_RECEIVE_COUNT };
    await createQueue(names.main(spec.name), {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify(redrive),
    });
  }

  /** Two spec names that map to one SQS name would silently share a queue. */
  function claim(spec: QueueSpec): void {
    const sqsName = names.main(spec.name);
    const owner = specBySqsName.get(sqsName);
    if (owner !== undefined && owner !== spec.name) {
      throw new TopologyConflictError(
        `Queues '${owner}' and '${spec.name}' both map to the SQS queue '${sqsName}'; rename one`,
      );
    }
    specBySqsName.set(sqsName, spec.name);
  }

  return {
    async declare(spec) {
      claim(spec);
      if (options.createQueues) await createQueuePair(spec);
      specs.set(spec.name, spec);
      // Bindings only grow, as with RabbitMQ: a kind dropped from a spec stays routed until restart.
      for (const kind of spec.kinds) {
        const queues = bindings.get(kind) ?? new Set<string>();
        queues.add(spec.name);
        bindings.set(kind, queues);
      }
    },

    has: (queue) => specs.has(queue),

    consumersOf: (kind) => [...(bindings.get(kind) ?? [])],

    async url(sqsName) {
      const cached = urls.get(sqsName);
      if (cached) return cached;
      try {
        const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: sqsName }));
        if (!QueueUrl) throw new Error('GetQueueUrl returned no QueueUrl');
        urls.set(sqsName, QueueUrl);
        return QueueUrl;
      } catch (err) {
        throw toQueueError(err, `find queue '${sqsName}'`);
      }
    },
  };
}
