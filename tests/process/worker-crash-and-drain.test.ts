import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { createTestDb } from '../helpers/db.ts';
import { RABBITMQ_TEST_URL, createTestDriver } from '../helpers/platform.ts';
import { deleteRabbitNamespace } from '../helpers/rabbitmq.ts';
import { testProcesses, type TestChild } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait.ts';
import type { Db } from '../../shared/db/port.ts';

/**
 * Real processes on real Postgres + RabbitMQ: a worker killed mid-message, and a worker
 * asked to stop (SIGTERM) mid-message.
 */
const prefix = `t${randomUUID().slice(0, 8)}.`;
const spec = {
  name: 'test.slow-effect',
  kinds: ['slow_effect'],
  concurrency: 1,
  retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
};

// Every worker is killed when its test ends, passed or failed: none outlives it.
const processes = testProcesses();
let db: Db;
let url: string;
let drop: () => Promise<void>;
let driver: QueueDriver;

beforeAll(async () => {
  const testDb = await createTestDb('postgres');
  db = testDb.db;
  url = testDb.url!;
  drop = testDb.drop;
  await db.query(
    'create table test_effects (id serial primary key, message_id uuid not null, value text not null)',
  );
  ({ driver } = await createTestDriver('rabbitmq', prefix));
  await driver.declare({ queues: [spec] });
});

afterAll(async () => {
  await driver?.close();
  await deleteRabbitNamespace(prefix, [spec.name]);
  await drop?.();
});

function startWorker(holdMs: number, env: Record<string, string> = {}): TestChild {
  return processes.start(process.execPath, ['--import', 'tsx', 'tests/fixtures/worker-process.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      RABBITMQ_URL: RABBITMQ_TEST_URL,
      QUEUE_PREFIX: prefix,
      HOLD_MS: String(holdMs),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const effectsFor = async (id: string) =>
  (await db.query('select 1 from test_effects where message_id = $1', [id])).rowCount;

describe('worker processes', () => {
  it('a message in flight when its worker is killed is redelivered and takes effect once', async () => {
    const first = startWorker(60_000);
    await waitFor(() => first.lines.some((l) => l.startsWith('ready')), { timeoutMs: 20_000 });
    const envelope = createEnvelope({ kind: 'slow_effect', payload: { value: 'survives a crash' } });
    await driver.publish(envelope);
    await waitFor(() => first.lines.includes(`started ${envelope.id}`), { timeoutMs: 10_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await effectsFor(envelope.id)).toBe(0); // its transaction never committed

    const second = startWorker(0);
    await waitFor(async () => (await effectsFor(envelope.id)) === 1, { timeoutMs: 20_000 });
    expect(second.lines).toContain(`started ${envelope.id}`);
    second.child.kill('SIGTERM');
    await second.exited;
    expect(await effectsFor(envelope.id)).toBe(1);
    expect((await db.query('select 1 from inbox where message_id = $1', [envelope.id])).rowCount).toBe(1);
  });

  it('SIGTERM lets the in-flight message finish, commit and be acked before the process exits', async () => {
    const worker = startWorker(1500);
    await waitFor(() => worker.lines.some((l) => l.startsWith('ready')), { timeoutMs: 20_000 });
    const envelope = createEnvelope({ kind: 'slow_effect', payload: { value: 'drained' } });
    await driver.publish(envelope);
    await waitFor(() => worker.lines.includes(`started ${envelope.id}`), { timeoutMs: 10_000 });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.lines).toContain('stopped');
    expect(await effectsFor(envelope.id)).toBe(1);
    // Acked: nothing is left for the next worker.
    const depth = await driver.depth(spec.name);
    expect(depth.ready).toBe(0);
  });

  it('a worker killed after its commit but before its ack: the redelivery is acked without running again', async () => {
    const first = startWorker(0, { CRASH_AFTER_COMMIT: '1' });
    await waitFor(() => first.lines.some((l) => l.startsWith('ready')), { timeoutMs: 20_000 });
    const envelope = createEnvelope({ kind: 'slow_effect', payload: { value: 'committed, never acked' } });
    await driver.publish(envelope);
    await first.exited;
    expect(first.lines).toContain('committed');
    expect(await effectsFor(envelope.id)).toBe(1);

    const second = startWorker(0, { LOG_LEVEL: 'info' });
    await waitFor(
      () => second.lines.some((l) => l.includes('already processed (inbox)') && l.includes(envelope.id)),
      {
        timeoutMs: 20_000,
        message: 'the redelivered message to be acknowledged by the inbox check',
      },
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.lines).not.toContain(`started ${envelope.id}`);
    expect(await effectsFor(envelope.id)).toBe(1);
  });
});
