import { afterEach } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../shared/config.ts';
import type { FunctionDefinition } from '../../shared/contract/index.ts';
import { parseEnvelope } from '../../shared/queue/envelope.ts';
import type { Delivery, DeliveryHandler, Outcome, QueueDriver, QueueSpec } from '../../shared/queue/port.ts';
import { buildManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import { startWorker } from '../../shared/runtime/worker.ts';
import { createTestDb } from '../helpers/db.ts';
import { uniquePrefix, type DriverEntry, type TestDriver } from '../helpers/drivers.ts';

/**
 * Set-up shared by the conformance cases: drivers on fresh namespaces, platforms over fixture
 * functions on a fresh PGlite database, delivery taps, and teardown after every test.
 */

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Teardown steps of the running test, run last-in first-out by `afterEach`. */
const teardown: Array<() => Promise<void>> = [];

/** A failed test may leave a handler hanging, and stopping drains handlers: bound each step. */
const TEARDOWN_STEP_MS = 10_000;

afterEach(async () => {
  const errors: unknown[] = [];
  for (const step of teardown.splice(0).reverse()) {
    await within(TEARDOWN_STEP_MS, 'a teardown step', step()).catch((err: unknown) => errors.push(err));
  }
  if (errors.length) throw new AggregateError(errors, 'conformance teardown failed');
});

/** Register `step` to run after the current test, even when it fails. */
export function onTeardown(step: () => Promise<void>): void {
  teardown.push(step);
}

/** A driver of `entry` on a namespace of its own, cleaned up after the test. */
export async function startDriver(entry: DriverEntry): Promise<TestDriver> {
  const started = await entry.create(uniquePrefix());
  onTeardown(() => started.cleanup());
  return started;
}

/** What a tapped consumer saw: each delivery and, once the handler settled it, its outcome. */
export interface TappedDelivery {
  /** The envelope id, or `undefined` for a body that is not an envelope. */
  id: string | undefined;
  redelivered: boolean;
  outcome?: Outcome['type'];
}

/**
 * `driver` with every consumer's deliveries recorded in `seen`: the consumer core runs as
 * usual, the tap only watches what the broker hands over and what the core answers.
 */
export function tapDeliveries(driver: QueueDriver, seen: TappedDelivery[]): QueueDriver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'consume') {
        return (spec: Parameters<QueueDriver['consume']>[0], handler: DeliveryHandler) =>
          target.consume(spec, async (delivery: Delivery) => {
            const parsed = parseEnvelope(delivery.body);
            const record: TappedDelivery = {
              id: parsed.ok ? parsed.envelope.id : undefined,
              redelivered: delivery.redelivered,
            };
            seen.push(record);
            const outcome = await handler(delivery);
            record.outcome = outcome.type;
            return outcome;
          });
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A queue spec with test-sized defaults: one kind named after the queue, fast retries. */
export function queueSpec(name: string, overrides: Partial<QueueSpec> = {}): QueueSpec {
  return {
    name,
    kinds: [`${name.replaceAll(/[.-]/g, '_')}_kind`],
    concurrency: 4,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    ...overrides,
  };
}

export interface TestPlatform {
  platform: Platform;
  /** Consume every fixture function's queue; stopped after the test unless stopped before. */
  startWorker(): Promise<{ stop(): Promise<void> }>;
}

export interface PlatformOptions {
  /**
   * Kinds to bind to each queue besides the ones its function consumes, as a newer deploy's
   * topology would: messages of these kinds reach a worker whose code does not know them.
   */
  extraKinds?: string[];
  /** An existing database to share (another "process" of the same deployment). */
  db?: Platform['db'];
}

/**
 * A platform over `functions` (fake paths `functions/<app>/<name>.ts` → definition) using
 * `driver`, on a fresh migrated PGlite database unless `options.db` is given.
 */
export async function startPlatform(
  driver: QueueDriver,
  functions: Record<string, FunctionDefinition>,
  options: PlatformOptions = {},
): Promise<TestPlatform> {
  let db = options.db;
  if (!db) {
    const testDb = await createTestDb('pglite');
    onTeardown(() => testDb.drop());
    db = testDb.db;
  }
  const manifest = buildManifest(
    Object.entries(functions).map(([file, definition]) => ({ file, module: { default: definition } })),
  );
  const topology = topologyOf(manifest);
  const extraKinds = options.extraKinds ?? [];
  await driver.declare({
    queues: topology.queues.map((spec) => ({ ...spec, kinds: [...spec.kinds, ...extraKinds] })),
  });
  // The driver is injected; the config's own queue settings are not used by these cases.
  const config = loadConfig({ QUEUE_DRIVER: 'memory' });
  const platform = createPlatform({ config, log, db, driver, manifest });
  return {
    platform,
    async startWorker() {
      const worker = await startWorker(platform);
      let stopped: Promise<void> | undefined;
      const stop = () => (stopped ??= worker.stop());
      onTeardown(stop);
      return { stop };
    },
  };
}

/** Run `work` and fail if it takes longer than `ms`, with `what` in the error. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
