import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { atScale, checkQueue, deadKeys, effectCounts, printVerdict } from '../helpers/chaos.ts';
import { createEffectsTable } from '../helpers/chaos-runner.ts';
import { createTestDb } from '../helpers/db.ts';
import { RABBITMQ_TEST_URL, createTestDriver } from '../helpers/platform.ts';
import { testProcesses, type TestChild } from '../helpers/processes.ts';
import { deleteRabbitNamespace, uniquePrefix } from '../helpers/rabbitmq.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Chaos scenarios 1 and 6: real worker processes on real Postgres + RabbitMQ, killed with SIGKILL
 * mid-stream (once exactly between a commit and its ack), and competing on one queue. Each ends
 * with the total-queue check: every task published is done exactly once.
 */
const prefix = uniquePrefix();
const spec = {
  name: 'test.slow-effect',
  kinds: ['slow_effect'],
  concurrency: 10,
  retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
};

const processes = testProcesses();
let db: Db;
let url: string;
let drop: () => Promise<void>;
let driver: QueueDriver;

beforeAll(async () => {
  const testDb = await createTestDb('postgres');
  ({ db, drop } = testDb);
  url = testDb.url!;
  await createEffectsTable(db);
  ({ driver } = await createTestDriver('rabbitmq', prefix));
  await driver.declare({ queues: [spec] });
});

beforeEach(async () => {
  await db.query('truncate test_effects');
});

afterAll(async () => {
  await driver?.close();
  await deleteRabbitNamespace(prefix, [spec.name]);
  await drop?.();
});

async function startWorker(env: Record<string, string> = {}): Promise<TestChild> {
  const worker = processes.start(process.execPath, ['--import', 'tsx', 'tests/fixtures/worker-process.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      RABBITMQ_URL: RABBITMQ_TEST_URL,
      QUEUE_PREFIX: prefix,
      CONCURRENCY: String(spec.concurrency),
      QUIET: '1',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitFor(() => worker.lines.some((l) => l.startsWith('ready')) || worker.child.exitCode !== null, {
    timeoutMs: 30_000,
    message: 'a worker process to start',
  });
  return worker;
}

/** Publish `count` tasks with confirms, `key-0` … `key-<count-1>`; returns their keys. */
async function publishTasks(run: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${run}-${i}`);
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      keys
        .slice(start, start + 500)
        .map((value) => driver.publish(createEnvelope({ kind: 'slow_effect', payload: { value } }))),
    );
  }
  return keys;
}

const done = async () =>
  (await db.query<{ n: number }>('select count(*)::int as n from test_effects')).rows[0]!.n;

/** Effects per second between the 10th and the 90th percentile of their commit times. */
async function steadyRate(): Promise<number> {
  const { rows } = await db.query<{ rate: number }>(
    `select round(0.8 * count(*) / extract(epoch from (percentile_disc(0.9) within group (order by at)
                                               - percentile_disc(0.1) within group (order by at))))::int as rate
       from test_effects`,
  );
  return rows[0]!.rate;
}

async function verdictOf(keys: string[]) {
  const dead = await deadKeys(driver, spec.name);
  return checkQueue({ enqueued: keys, effects: await effectCounts(db), dead: dead.keys() });
}

describe('chaos: worker processes', () => {
  const tasks = atScale(1_500, 10_000);
  const kills = atScale(2, 5);
  const timeout = atScale(120_000, 600_000);

  it(
    `SIGKILL a worker ${kills} times during ${tasks} tasks, once between commit and ack: each done exactly once`,
    async () => {
      const keys = await publishTasks('kill', tasks);

      // The first kill: the worker dies right after its 200th commit, before that message's ack.
      const first = await startWorker({ CRASH_AFTER_COMMIT: '200' });
      await first.exited;
      expect(first.lines).toContain('committed');

      // The others land wherever the stream is when the effects pass each mark.
      for (let kill = 2; kill <= kills; kill++) {
        const worker = await startWorker();
        const mark = Math.floor((tasks * kill) / (kills + 1));
        await waitFor(async () => (await done()) >= mark, { timeoutMs: 60_000, intervalMs: 10 });
        worker.child.kill('SIGKILL');
        await worker.exited;
      }

      const last = await startWorker();
      await waitFor(async () => (await done()) >= tasks, {
        timeoutMs: atScale(60_000, 180_000),
        intervalMs: 100,
      }).catch(
        () => undefined, // the verdict says what is missing
      );
      // A duplicate would be a redelivery that slipped past the inbox: let the queue run dry first.
      await waitFor(async () => (await driver.depth(spec.name)).ready === 0, { timeoutMs: 10_000 });
      last.child.kill('SIGTERM');
      await last.exited;

      const verdict = await verdictOf(keys);
      printVerdict(`scenario 1, ${kills} SIGKILLs`, verdict, { 'effects rows': await done() });
      expect(verdict.lost).toEqual([]);
      expect(verdict.duplicated).toEqual([]);
      expect(verdict.deadLettered).toEqual([]);
      expect(verdict.ok).toBe(tasks);
    },
    timeout,
  );

  // At full size, one worker alone first: the baseline the others are compared with.
  it.each(atScale([2], [1, 2, 4]))(
    '%i worker process(es) on one queue: no task done twice',
    async (workers) => {
      // Everything queued first, then the workers started together: the rate is the workers'.
      const keys = await publishTasks(`compete${workers}`, tasks);
      const started = await Promise.all(Array.from({ length: workers }, () => startWorker()));
      await waitFor(async () => (await done()) >= tasks, { timeoutMs: 120_000, intervalMs: 50 }).catch(
        () => undefined,
      );
      for (const worker of started) worker.child.kill('SIGTERM');
      await Promise.all(started.map((worker) => worker.exited));
      const verdict = await verdictOf(keys);
      printVerdict(`scenario 6, ${workers} workers`, verdict, {
        'tasks/s (steady, 10th to 90th percentile)': await steadyRate(),
      });
      expect(verdict.duplicated).toEqual([]);
      expect(verdict.lost).toEqual([]);
      expect(verdict.ok).toBe(tasks);
    },
    timeout,
  );
});
