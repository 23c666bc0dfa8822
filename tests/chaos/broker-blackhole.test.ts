import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/port.ts';
import { atScale, checkQueue, deadKeys, effectCounts, printVerdict } from '../helpers/chaos.ts';
import {
  EFFECT_QUEUE,
  effectBody,
  logsSaying,
  publishToEffectQueue,
  startChaosRunner,
  type ChaosRunner,
} from '../helpers/chaos-runner.ts';
import { createTestDb } from '../helpers/db.ts';
import { deleteRabbitNamespace, RABBITMQ_TEST_URL, uniquePrefix } from '../helpers/rabbitmq.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 3: the network between the worker and the broker goes silent (a black hole:
 * nothing is refused or reset, nothing arrives) while messages keep coming. The heartbeat finds
 * the dead connection, the driver reconnects once the network is back and resubscribes, and
 * every message is done exactly once: the ones whose ack was swallowed are redelivered and found
 * in the inbox.
 */
const heartbeatS = atScale(1, 5);
const silenceMs = atScale(5_000, 60_000);
const prefix = uniquePrefix();
let db: Db;
let drop: () => Promise<void>;
let proxy: TcpProxy;
let runner: ChaosRunner;

beforeAll(async () => {
  const testDb = await createTestDb('postgres');
  ({ db, drop } = testDb);
  await db.query(
    'create table test_effects (id serial primary key, message_id uuid not null, value text not null)',
  );
  proxy = await tcpProxy(Number(new URL(RABBITMQ_TEST_URL).port || 5672));
  await proxy.start();
  runner = await startChaosRunner(
    {
      DATABASE_URL: testDb.url!,
      QUEUE_DRIVER: 'rabbitmq',
      RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}?heartbeat=${heartbeatS}`,
      QUEUE_PREFIX: prefix,
    },
    ['worker'],
  );
  await waitFor(() => logsSaying(runner, 'consuming').length > 0, { timeoutMs: 20_000 });
});

afterAll(async () => {
  await runner?.stop();
  await proxy?.close();
  await deleteRabbitNamespace(prefix, [EFFECT_QUEUE]);
  await drop?.();
});

describe('chaos: a silent network drop between worker and broker', () => {
  it(`a ${silenceMs / 1000} s black hole (heartbeat ${heartbeatS} s): detected, resubscribed, each done once`, async () => {
    const run = randomUUID().slice(0, 8);
    const keys: string[] = [];
    // A batch of messages every 100 ms, straight to the broker, all through the test.
    let publishing = true;
    const publisher = (async () => {
      for (let batch = 0; publishing; batch++) {
        const values = Array.from({ length: 5 }, (_, i) => `${run}-${batch}-${i}`);
        keys.push(...values);
        await publishToEffectQueue(
          prefix,
          values.map((value) => effectBody(value)),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const effectsNow = async () => (await effectCounts(db)).size;
    await waitFor(async () => (await effectsNow()) >= 50, { timeoutMs: 20_000 });

    const silentFrom = Date.now();
    proxy.blackhole();
    const lost = await waitFor(() => logsSaying(runner, 'connection lost')[0], {
      timeoutMs: silenceMs,
      message: 'the heartbeat to find the silent connection',
    });
    const detectedAfterMs = lost.time - silentFrom;
    await new Promise((resolve) => setTimeout(resolve, silentFrom + silenceMs - Date.now()));
    const effectsAtHeal = await effectsNow();
    proxy.heal();
    const healedAt = Date.now();
    const resumedAfterMs = await waitFor(
      async () => (await effectsNow()) > effectsAtHeal && Date.now() - healedAt,
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        message: 'the consumer to resume after the heal',
      },
    );
    publishing = false;
    await publisher;

    const allDone = async () => {
      const effects = await effectCounts(db);
      return keys.every((value) => effects.has(value));
    };
    await waitFor(allDone, { timeoutMs: 60_000, intervalMs: 100 }).catch(() => undefined);
    const verdict = checkQueue({
      enqueued: keys,
      effects: await effectCounts(db),
      dead: (await deadKeys(runner.driver, EFFECT_QUEUE)).keys(),
    });
    printVerdict(`scenario 3, ${silenceMs / 1000} s black hole`, verdict, {
      'detected after': `${detectedAfterMs} ms (heartbeat ${heartbeatS} s)`,
      'consuming again after the heal': `${resumedAfterMs} ms`,
      'failed reconnects in the hole': logsSaying(runner, 'reconnect failed').length,
    });
    // Found within two heartbeat intervals, as RabbitMQ itself allows (shared/queue/rabbitmq/connection.ts).
    expect(detectedAfterMs).toBeLessThanOrEqual(2 * heartbeatS * 1000);
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.deadLettered).toEqual([]);
    expect(verdict.ok).toBe(keys.length);
    await waitFor(() => proxy.live === 1, {
      timeoutMs: 5_000,
      message: 'one broker connection after the heal',
    });
  }, 180_000);
});
