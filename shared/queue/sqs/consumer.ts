import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { retryDelayMs, type Consumer, type DeliveryHandler, type QueueSpec } from '../port.ts';
import type { SqsClients } from './client.ts';
import { createMessageDeleter, SQS_BATCH_LIMIT } from './deleter.ts';
import { receiveCount } from './messages.ts';
import { applyOutcome } from './outcome.ts';

export interface SqsConsumerOptions {
  spec: QueueSpec;
  handler: DeliveryHandler;
  clients: SqsClients;
  queueUrl: string;
  dlqUrl: string;
  waitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  log: Logger;
}

// Between failed polls (endpoint down, throttled): grows from 250 ms to 10 s.
const POLL_BACKOFF = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 10_000 };
/** How long stop() waits for the poll in flight to end (see createSqsConsumer). */
export const STOP_GRACE_MS = 500;

/**
 * Long-polls one function's queue and runs at most `spec.concurrency` handlers at once: each
 * poll asks only for as many messages as there are free slots (at most 10, SQS's limit), so
 * no message sits received-but-waiting while its visibility timeout runs down.
 *
 * While a handler runs, its message's visibility is extended every half timeout (heartbeat),
 * so a slow handler does not get its message handed to a second worker.
 *
 * `stop()` gives the poll in flight a moment (STOP_GRACE_MS) and waits for running handlers and
 * their deletes: once it resolves, this consumer starts nothing more. A poll still out after the
 * grace is left to end on its own, and hands back at once whatever it receives.
 *
 * Why stop() neither aborts the long poll nor waits for it: closing the connection does not
 * cancel the receive on the server. SQS (and fauxqs) may already have handed messages to that
 * poll, or still hand it the next ones until its wait ends, and those would stay invisible for
 * the visibility timeout with nobody to process or release them. Left to run, the poll returns
 * them and they are released (VisibilityTimeout 0). Waiting for it instead would make a stop last
 * up to a whole wait (10 s), or a whole request timeout (15 s) when the network went silent.
 * `close()` of the driver does end it (the clients are destroyed): a process that exits right
 * after a stop may leave a message hidden until its visibility timeout, as a crash would.
 */
export function createSqsConsumer(options: SqsConsumerOptions): Consumer {
  const { spec, handler, clients, queueUrl, log } = options;
  const remove = createMessageDeleter(clients.api, queueUrl);
  const inFlight = new Set<Promise<void>>();
  // Ends the wait for a free slot and the pause after a failed poll; never a receive (see above).
  const stopRequested = new AbortController();
  let wakeUp: (() => void) | null = null;
  let stopping: Promise<void> | null = null;

  const freeSlots = () => spec.concurrency - inFlight.size;

  /** Resolves once a handler finished (a slot may be free) or the consumer is stopping. */
  function slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      wakeUp = resolve;
    });
  }

  async function pollLoop(): Promise<void> {
    let failures = 0;
    while (!stopRequested.signal.aborted) {
      if (freeSlots() <= 0) {
        await slotFreed();
        continue;
      }
      let messages: Message[];
      try {
        const reply = await clients.poll.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, freeSlots()),
            WaitTimeSeconds: options.waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = reply.Messages ?? [];
        failures = 0;
      } catch (err) {
        if (stopRequested.signal.aborted) break;
        failures += 1;
        log.warn({ err, queue: spec.name, failures }, 'sqs receive failed; polling again after a pause');
        await sleep(retryDelayMs(POLL_BACKOFF, failures), undefined, {
          signal: stopRequested.signal,
        }).catch(() => undefined);
        continue;
      }
      if (stopRequested.signal.aborted) {
        // Received after stop() was called: not ours to start any more, give them back now.
        await Promise.all(messages.map((message) => changeVisibility(message, 0)));
        break;
      }
      for (const message of messages) {
        const work = handle(message).finally(() => {
          inFlight.delete(work);
          wakeUp?.();
        });
        inFlight.add(work);
      }
    }
  }

  /** Never rejects: every failure ends in a delete, a new message, or the message reappearing. */
  async function handle(message: Message): Promise<void> {
    const heartbeat = startHeartbeat(message);
    try {
      const outcome = await handler({
        body: Buffer.from(message.Body ?? '', 'utf8'),
        queue: spec.name,
        redelivered: receiveCount(message) > 1,
      });
      await applyOutcome(
        { client: clients.api, spec, message, queueUrl, dlqUrl: options.dlqUrl, remove },
        outcome,
      );
    } catch (err) {
      // The core catches handler errors itself, so this is a bug or a failed send/delete.
      // Make the message visible again at once; the RedrivePolicy stops an endless loop.
      log.error({ err, queue: spec.name, messageId: message.MessageId }, 'delivery not settled; released');
      await changeVisibility(message, 0);
    } finally {
      clearInterval(heartbeat);
    }
  }

  function startHeartbeat(message: Message): NodeJS.Timeout {
    const seconds = options.visibilityTimeoutSeconds;
    return setInterval(() => void changeVisibility(message, seconds), (seconds * 1000) / 2);
  }

  async function changeVisibility(message: Message, seconds: number): Promise<void> {
    if (!message.ReceiptHandle) return;
    try {
      await clients.api.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (err) {
      log.warn({ err, queue: spec.name, messageId: message.MessageId }, 'sqs visibility change failed');
    }
  }

  const polling = pollLoop();

  return {
    stop() {
      stopping ??= (async () => {
        stopRequested.abort();
        wakeUp?.();
        await Promise.race([polling, sleep(STOP_GRACE_MS)]);
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      return stopping;
    },
  };
}
