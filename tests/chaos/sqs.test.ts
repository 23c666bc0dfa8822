import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnvelope, parseEnvelope } from '../../shared/queue/envelope.ts';
import type { Delivery } from '../../shared/queue/port.ts';
import { atScale, checkQueue, printVerdict } from '../helpers/chaos.ts';
import { testSqsEmulator } from '../helpers/platform.ts';
import { testQueueSpec } from '../helpers/rabbitmq.ts';
import { sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import { messagesIn, sqsDrivers, uniqueSqsPrefix, type SqsEmulator } from '../helpers/sqs.ts';
import { tcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 7, on SQS (the fauxqs emulator):
 * - handlers that run longer than the visibility timeout, on two competing workers: the
 *   visibility heartbeat keeps each message with the worker running it (no overlapping runs);
 *   with the heartbeat's extensions dropped, the same test sees overlaps (the negative control);
 * - the network to SQS goes silent during a long poll: the poll fails within its request
 *   timeout, polling resumes once the network is back, and a stop takes under a second even
 *   while the network is silent.
 */
let emulator: SqsEmulator;
beforeAll(async () => {
  emulator = await testSqsEmulator();
});
const drivers = sqsDrivers(() => emulator);
afterEach(async () => {
  vi.restoreAllMocks();
  await drivers.cleanup();
});

const idOf = (delivery: Delivery) => {
  const parsed = parseEnvelope(delivery.body);
  return parsed.ok ? parsed.envelope.id : 'malformed';
};

/** Runs of each message on two competing workers whose handlers outlast the visibility timeout. */
async function slowHandlersOnTwoWorkers(messages: number) {
  const spec = testQueueSpec('slow.handlers', { concurrency: messages });
  const prefix = uniqueSqsPrefix();
  const options = { prefix, visibilityTimeoutSeconds: 2 };
  const workers = [await drivers.start([spec], options), await drivers.start([spec], options)];
  const runs = new Map<string, { from: number; to: number }[]>();
  const handler = async (delivery: Delivery) => {
    const run = { from: Date.now(), to: Number.POSITIVE_INFINITY };
    runs.set(idOf(delivery), [...(runs.get(idOf(delivery)) ?? []), run]);
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // 2.5 visibility timeouts
    run.to = Date.now();
    return { type: 'ack' as const };
  };
  const consumers = await Promise.all(workers.map(({ driver }) => driver.consume(spec, handler)));
  const ids: string[] = [];
  for (let i = 0; i < messages; i++) {
    const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: { i } });
    ids.push(envelope.id);
    await workers[0]!.driver.publish(envelope);
  }
  await waitFor(() => ids.every((id) => runs.get(id)?.some((run) => run.to < Number.POSITIVE_INFINITY)), {
    timeoutMs: 20_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // room for a late second run to start
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  const overlapping = ids.filter((id) => {
    const [first, ...others] = runs.get(id) ?? [];
    return others.some((run) => first && run.from < first.to);
  });
  const effects = new Map(ids.map((id) => [id, runs.get(id)?.length ?? 0]));
  return { ids, overlapping, verdict: checkQueue({ enqueued: ids, effects }) };
}

describe('chaos: SQS', () => {
  it('handlers slower than the visibility timeout on two workers: the heartbeat prevents overlapping runs', async () => {
    const { overlapping, verdict } = await slowHandlersOnTwoWorkers(6);
    printVerdict('scenario 7, SQS slow handlers, heartbeat on', verdict, {
      'overlapping runs': overlapping.length,
    });
    expect(overlapping).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.ok).toBe(6);
  }, 60_000);

  it('negative control: with the heartbeat extensions dropped, the same handlers overlap', async () => {
    const send = SQSClient.prototype.send;
    vi.spyOn(SQSClient.prototype, 'send').mockImplementation(function (this: SQSClient, command: unknown) {
      const extension =
        command instanceof ChangeMessageVisibilityCommand && command.input.VisibilityTimeout !== 0;
      return extension
        ? Promise.resolve({})
        : send.call(this, command as never, undefined as never, undefined as never);
    } as never);
    const { overlapping, verdict } = await slowHandlersOnTwoWorkers(6);
    printVerdict('scenario 7, SQS slow handlers, heartbeat off', verdict, {
      'overlapping runs': overlapping.length,
    });
    expect(overlapping.length).toBeGreaterThan(0);
  }, 60_000);

  it('a silent network during the long poll: the poll fails within its timeout, polling resumes, stop < 1 s', async () => {
    const proxy = await tcpProxy(Number(new URL(emulator.endpoint).port));
    await proxy.start();
    const logs: { msg: string; time: number }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const spec = testQueueSpec('silent.poll');
    const prefix = uniqueSqsPrefix();
    // At full size, the driver's defaults.
    const requestTimeoutMs = atScale(1_000, 5_000);
    const waitTimeSeconds = atScale(1, 10);
    const { driver } = await drivers.start([spec], {
      prefix,
      endpoint: `http://127.0.0.1:${proxy.port}`,
      waitTimeSeconds,
      requestTimeoutMs,
      log,
    });
    const publisher = await drivers.start([spec], { prefix }); // straight to the emulator
    const seen: string[] = [];
    const consumer = await driver.consume(spec, async (delivery) => {
      seen.push(idOf(delivery));
      return { type: 'ack' };
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // a long poll is now waiting
      const silentFrom = Date.now();
      proxy.blackhole();
      const failed = await waitFor(() => logs.find((line) => line.msg.includes('sqs receive failed')), {
        timeoutMs: 30_000,
        message: 'the long poll to fail',
      });
      const failedAfterMs = failed.time - silentFrom;
      proxy.heal();
      const envelope = createEnvelope({ kind: spec.kinds[0]!, payload: {} });
      const healedAt = Date.now();
      await publisher.driver.publish(envelope);
      await waitFor(() => seen.includes(envelope.id), { timeoutMs: 15_000, message: 'polling to resume' });
      const resumedAfterMs = Date.now() - healedAt;

      // Once its delete is through (a stop waits for that), silence again, and stop mid-poll.
      await waitFor(() => messagesIn(emulator, sqsQueueNames(prefix).main(spec.name)) === 0);
      proxy.blackhole();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopFrom = Date.now();
      await consumer.stop();
      const stopMs = Date.now() - stopFrom;
      console.log(
        `[chaos] scenario 7, SQS black hole: long poll failed after ${failedAfterMs} ms ` +
          `(wait ${waitTimeSeconds} s + request timeout ${requestTimeoutMs} ms) · ` +
          `consumed again ${resumedAfterMs} ms after the heal · stop during a black hole took ${stopMs} ms`,
      );
      expect(failedAfterMs).toBeLessThanOrEqual(waitTimeSeconds * 1000 + requestTimeoutMs + 1_000);
      expect(seen).toEqual([envelope.id]);
      expect(stopMs).toBeLessThan(1_000);
    } finally {
      proxy.heal();
      await consumer.stop();
      await proxy.close();
    }
  }, 60_000);
});
