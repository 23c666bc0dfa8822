import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { pino, type Logger } from 'pino';
import type { QueueDriver, QueueSpec } from '../../shared/queue/port.ts';
import { createSqsDriver, sqsQueueNames, type SqsDriverOptions } from '../../shared/queue/sqs/index.ts';

/**
 * Test helpers for the SQS driver: an in-process fauxqs emulator (one per test file, on a
 * port the OS picks), raw SDK access that bypasses the driver, and drivers on isolated prefixes.
 */

export const SQS_TEST_REGION = 'us-east-1';
/** fauxqs accepts any credentials; the SDK only needs some, instead of searching the machine. */
export const SQS_TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface SqsEmulator {
  /** `http://127.0.0.1:<port>`, for the driver's `endpoint`. */
  endpoint: string;
  server: FauxqsServer;
  stop(): Promise<void>;
}

/**
 * Start fauxqs in this process (it needs Node >= 22.5: run tests through `npx vitest`).
 *
 * @example
 *   let sqs: SqsEmulator;
 *   beforeAll(async () => { sqs = await startSqsEmulator(); });
 *   afterAll(() => sqs.stop());
 */
export async function startSqsEmulator(): Promise<SqsEmulator> {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  return { endpoint: `http://127.0.0.1:${server.port}`, server, stop: () => server.stop() };
}

/** Messages of an SQS queue as the emulator holds them, in any state (ready, delayed, in flight). */
export function messagesIn(emulator: SqsEmulator, sqsName: string): number {
  const queue = emulator.server.inspectQueue(sqsName);
  if (!queue) throw new Error(`no queue ${sqsName}`);
  const { ready, delayed, inflight } = queue.messages;
  return ready.length + delayed.length + inflight.length;
}

/** A fresh name prefix (`t1a2b3c4d.`), so each test has its own queues. */
export function uniqueSqsPrefix(): string {
  return `t${randomUUID().slice(0, 8)}.`;
}

/** An SDK client on the emulator, to send or inspect what the driver would never produce. */
export function rawSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: SQS_TEST_REGION, endpoint, credentials: SQS_TEST_CREDENTIALS });
}

/** Options of a driver on the emulator with test-sized waits (1 s long polls). */
export function sqsTestOptions(endpoint: string, prefix = uniqueSqsPrefix()): SqsDriverOptions {
  return {
    endpoint,
    region: SQS_TEST_REGION,
    credentials: SQS_TEST_CREDENTIALS,
    prefix,
    waitTimeSeconds: 1,
    visibilityTimeoutSeconds: 10,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  };
}

const CLOSE_WAIT_MS = 3_000;

export interface StartedSqsDriver {
  driver: QueueDriver;
  prefix: string;
}

/**
 * Drivers on isolated prefixes of one emulator, torn down together: call `start` in a test
 * and `cleanup` in `afterEach`. Cleanup closes each driver, then deletes its queues.
 */
export function sqsDrivers(emulator: () => SqsEmulator, log?: Logger) {
  const cleanups: Array<() => Promise<void>> = [];
  return {
    async start(specs: QueueSpec[], options: Partial<SqsDriverOptions> = {}): Promise<StartedSqsDriver> {
      const { endpoint, server } = emulator();
      const base = sqsTestOptions(endpoint, options.prefix);
      const driver = createSqsDriver({ ...base, ...(log ? { log } : {}), ...options });
      const prefix = base.prefix ?? '';
      cleanups.push(async () => {
        // A failed test may leave a handler hanging, and close() drains handlers.
        await Promise.race([driver.close(), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
        const names = sqsQueueNames(prefix);
        for (const spec of specs) {
          server.deleteQueue(names.main(spec.name));
          server.deleteQueue(names.dlq(spec.name));
        }
      });
      await driver.declare({ queues: specs });
      return { driver, prefix };
    },
    async cleanup(): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}
