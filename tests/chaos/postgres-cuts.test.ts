import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { atScale, checkQueue, deadKeys, effectCounts, printVerdict } from '../helpers/chaos.ts';
import { EFFECT_QUEUE, logsSaying, startChaosRunner, type ChaosRunner } from '../helpers/chaos-runner.ts';
import { createTestDb } from '../helpers/db.ts';
import { RABBITMQ_TEST_URL } from '../helpers/platform.ts';
import { deleteRabbitNamespace, uniquePrefix } from '../helpers/rabbitmq.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenario 5: the worker's Postgres connections are cut (TCP reset, mid-transaction and
 * mid-commit) again and again while it works through a stream of tasks. The attempts that lose
 * their connection fail and are retried; the pool opens new connections; every task is done
 * exactly once (a commit whose answer was lost is found in the inbox on the retry).
 */
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
  const direct = new URL(testDb.url!);
  proxy = await tcpProxy(Number(direct.port || 5432), direct.hostname);
  await proxy.start();
  const throughProxy = Object.assign(new URL(testDb.url!), { port: String(proxy.port) });
  runner = await startChaosRunner(
    {
      DATABASE_URL: throughProxy.toString(),
      QUEUE_DRIVER: 'rabbitmq',
      RABBITMQ_URL: RABBITMQ_TEST_URL,
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

describe('chaos: Postgres connections cut', () => {
  const tasks = atScale(1_000, 5_000);
  const cuts = atScale(4, 10);

  it(`cuts the worker's database connections ${cuts} times during ${tasks} tasks: retried, each done once`, async () => {
    const run = randomUUID().slice(0, 8);
    const keys = Array.from({ length: tasks }, (_, i) => `${run}-${i}`);
    for (let start = 0; start < tasks; start += 500) {
      await Promise.all(
        keys
          .slice(start, start + 500)
          .map((value) =>
            runner.driver.publish(createEnvelope({ kind: 'chaos_effect', payload: { value } })),
          ),
      );
    }

    const done = async () => (await effectCounts(db)).size;
    let connectionsCut = 0;
    for (let cut = 1; cut <= cuts; cut++) {
      await waitFor(async () => (await done()) >= (tasks * cut) / (cuts + 1), {
        timeoutMs: 60_000,
        intervalMs: 10,
      });
      connectionsCut += proxy.reset();
    }
    await waitFor(async () => (await done()) >= tasks, { timeoutMs: 60_000, intervalMs: 100 }).catch(
      () => undefined,
    );

    const verdict = checkQueue({
      enqueued: keys,
      effects: await effectCounts(db),
      dead: (await deadKeys(runner.driver, EFFECT_QUEUE)).keys(),
    });
    const retried = logsSaying(runner, 'retrying').length;
    printVerdict(`scenario 5, ${cuts} Postgres cuts`, verdict, {
      'connections cut': connectionsCut,
      'attempts retried': retried,
      'pool connections now': proxy.live,
    });
    expect(connectionsCut).toBeGreaterThanOrEqual(cuts); // the faults landed...
    expect(retried).toBeGreaterThan(0); // ...on work in flight
    expect(verdict.lost).toEqual([]);
    expect(verdict.duplicated).toEqual([]);
    expect(verdict.deadLettered).toEqual([]);
    expect(verdict.ok).toBe(tasks);
    // The pool recovered: it still answers through the proxy.
    expect(proxy.live).toBeGreaterThan(0);
  }, 180_000);
});
