import amqp from 'amqplib';
import { pino } from 'pino';
import * as z from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { defineHttp, defineTask } from '../../shared/contract/index.ts';
import { createDb } from '../../shared/db/index.ts';
import { triggerJob } from '../../shared/http/trigger-job.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { createQueueDriver } from '../../shared/queue/index.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { startRunner, type Role } from '../../shared/runtime/runner.ts';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../shared/db/port.ts';
import { checkQueue, deadKeys, effectCounts, type QueueVerdict } from './chaos.ts';
import { createTestDb, type TestDb } from './db.ts';
import { deleteRabbitNamespace, RABBITMQ_TEST_URL, uniquePrefix } from './rabbitmq.ts';
import { tcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { waitFor } from './wait.ts';

/** The queue the chaos effect task consumes from (under the runner's QUEUE_PREFIX). */
export const EFFECT_QUEUE = 'chaos.effect';

/**
 * The chaos suite's task: one effect row per run, keyed by `payload.value`, committed with the
 * inbox row. Its retries are quick, so that a fault is recovered from within a test.
 */
const effect = defineTask({
  consumes: 'chaos_effect',
  payload: z.object({ value: z.string() }),
  concurrency: 10,
  retry: { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 },
  handler: async ({ value }, ctx) => {
    await ctx.db.query('insert into test_effects (message_id, value) values ($1, $2)', [
      ctx.message.id,
      value,
    ]);
    return { value };
  },
});

/** `POST /chaos/enqueue {value}`: the platform's trigger answer, 202 only once the broker confirmed. */
const enqueue = defineHttp({
  method: 'POST',
  path: '/enqueue',
  summary: 'Queue one chaos effect',
  auth: 'public',
  body: z.object({ value: z.string() }),
  handler: (req, ctx) =>
    triggerJob(req, ctx, {
      kind: 'chaos_effect',
      payload: req.body,
      page: '/chaos/',
      queued: 'queued',
      unavailable: 'not queued',
    }),
});

export interface ChaosRunner {
  url: string;
  /** The runner's own queue driver (for depth and dead letters). */
  driver: QueueDriver;
  /** Every log line so far, parsed. */
  logs: { msg: string; time: number; [field: string]: unknown }[];
  stop(): Promise<void>;
}

/**
 * The real runner, in this process, with the chaos effect task (and its enqueue route), on the
 * database and broker `env` names (a fault proxy's port, usually).
 */
async function startChaosRunner(env: Record<string, string>, roles: Role[]): Promise<ChaosRunner> {
  const logs: ChaosRunner['logs'] = [];
  const config = loadConfig({ LOG_LEVEL: 'debug', ...env });
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const manifest = buildManifest([
    { file: 'functions/chaos/effect.ts', module: { default: effect } },
    { file: 'functions/chaos/enqueue.ts', module: { default: enqueue } },
  ]);
  const db = await createDb(config, { log });
  const driver = createQueueDriver(config, log);
  const platform = createPlatform({ config, log, db, driver, manifest });
  const runner = await startRunner(platform, { roles, port: 0, host: '127.0.0.1' });
  return { url: runner.url, driver, logs, stop: () => runner.stop() };
}

/** Log lines whose message contains `text`. */
export const logsSaying = (runner: ChaosRunner, text: string) =>
  runner.logs.filter((l) => l.msg.includes(text));

/** The body of a chaos effect message for `value`, as our publisher would write it. */
export const effectBody = (value: string, kind = 'chaos_effect'): Buffer =>
  Buffer.from(JSON.stringify(createEnvelope({ kind, payload: { value } })));

/**
 * Put bodies straight into the effect queue of `prefix` on the real broker (not through any
 * proxy), with a raw AMQP client, and wait until the broker confirmed every one.
 */
export async function publishToEffectQueue(prefix: string, bodies: Buffer[]): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_TEST_URL);
  try {
    const channel = await connection.createConfirmChannel();
    for (const body of bodies) channel.sendToQueue(`${prefix}${EFFECT_QUEUE}`, body, { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** One effect row per handler commit: `value` is the message's key, `at` when it committed. */
export async function createEffectsTable(db: Db): Promise<void> {
  await db.query(
    `create table test_effects (id serial primary key, message_id uuid not null, value text not null,
       at timestamptz not null default clock_timestamp())`,
  );
}

export interface ChaosStackOptions {
  roles: Role[];
  /** Which of the runner's services it reaches through the fault proxy. */
  through: 'rabbitmq' | 'postgres';
  /** Added to the broker URL, e.g. `?heartbeat=1`. */
  rabbitmqQuery?: string;
}

export interface ChaosStack {
  readonly prefix: string;
  readonly db: Db;
  readonly proxy: TcpProxy;
  readonly runner: ChaosRunner;
}

/**
 * A scenario's stack, made in beforeAll and removed in afterAll: a database of its own with the
 * effects table, a fault proxy in front of RabbitMQ or Postgres, and the chaos runner behind it,
 * consuming.
 */
export function useChaosStack(options: ChaosStackOptions): ChaosStack {
  const prefix = uniquePrefix();
  let made: { testDb: TestDb; proxy: TcpProxy; runner?: ChaosRunner } | undefined;
  beforeAll(async () => {
    const testDb = await createTestDb('postgres');
    await createEffectsTable(testDb.db);
    const target = new URL(options.through === 'rabbitmq' ? RABBITMQ_TEST_URL : testDb.url!);
    const defaultPort = options.through === 'rabbitmq' ? 5672 : 5432;
    const proxy = await tcpProxy(Number(target.port || defaultPort), target.hostname);
    await proxy.start();
    made = { testDb, proxy };
    const proxied = Object.assign(new URL(target), { port: String(proxy.port) }).toString();
    made.runner = await startChaosRunner(
      {
        DATABASE_URL: options.through === 'postgres' ? proxied : testDb.url!,
        QUEUE_DRIVER: 'rabbitmq',
        RABBITMQ_URL:
          (options.through === 'rabbitmq' ? proxied : RABBITMQ_TEST_URL) + (options.rabbitmqQuery ?? ''),
        QUEUE_PREFIX: prefix,
      },
      options.roles,
    );
    const runner = made.runner;
    await waitFor(() => logsSaying(runner, 'consuming').length > 0, { timeoutMs: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await made?.runner?.stop();
    await made?.proxy.close();
    await deleteRabbitNamespace(prefix, [EFFECT_QUEUE]);
    await made?.testDb.drop();
  });
  const get = () => {
    if (!made?.runner)
      throw new Error('useChaosStack: the stack is made in beforeAll; read it inside a test');
    return { ...made, runner: made.runner };
  };
  return {
    prefix,
    get db() {
      return get().testDb.db;
    },
    get proxy() {
      return get().proxy;
    },
    get runner() {
      return get().runner;
    },
  };
}

/**
 * The total-queue verdict once every confirmed key has its effect, or after a minute (the verdict
 * then says what is missing).
 */
export async function settledVerdict(
  stack: ChaosStack,
  history: { enqueued: string[]; indeterminate?: string[] },
): Promise<QueueVerdict> {
  const allDone = async () => {
    const effects = await effectCounts(stack.db);
    return history.enqueued.every((value) => effects.has(value));
  };
  await waitFor(allDone, { timeoutMs: 60_000, intervalMs: 100 }).catch(() => undefined);
  return checkQueue({
    ...history,
    effects: await effectCounts(stack.db),
    dead: (await deadKeys(stack.runner.driver, EFFECT_QUEUE)).keys(),
  });
}
