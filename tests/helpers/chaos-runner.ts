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
import { RABBITMQ_TEST_URL } from './rabbitmq.ts';

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
export async function startChaosRunner(env: Record<string, string>, roles: Role[]): Promise<ChaosRunner> {
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
