import { randomUUID } from 'node:crypto';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsDriver, sqsQueueNames } from '../../shared/queue/sqs/index.ts';
import type { QueueDriver, QueueSpec } from '../../shared/queue/port.ts';
import { queueName } from '../../shared/runtime/manifest.ts';
import { envelopeBody, sqsEvent, type SqsRecordOptions } from '../../scripts/lambda/events.ts';
import { createLambdaStack, sharedBundles, invoke, resultsOf, type LambdaStack } from '../helpers/lambda.ts';
import { rawSqsClient, sqsTestOptions } from '../helpers/sqs.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Task bundles in a fresh Node process, given SQS events as Lambda's event source mapping
 * sends them: partial batch responses name exactly the records that must come back; the
 * consumer core's validation, inbox, retries and dead letters behave as with the local drivers.
 */
const FLAKY = 'fixture-flaky-task';
const FLAKY_QUEUE = 'fixture.flaky-task';
const FLAKY_SPEC: QueueSpec = {
  name: FLAKY_QUEUE,
  kinds: ['fixture_flaky'],
  concurrency: 4,
  retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 },
};

let stack: LambdaStack;
let owner: string;
const bundles = sharedBundles();
const fixture = sharedBundles('fixture');
// Owns the fixture's queue, with a visibility timeout far longer than the fixture's retry delay.
let fixtureDriver: QueueDriver;

beforeAll(async () => {
  stack = await createLambdaStack();
  owner = (
    await stack.platform.auth.users.register({ email: 'owner@example.com', password: 'owner-password' })
  ).id;
  fixtureDriver = createSqsDriver({
    ...sqsTestOptions(stack.env.SQS_ENDPOINT!, stack.env.QUEUE_PREFIX!),
    visibilityTimeoutSeconds: 60,
  });
  await fixtureDriver.declare({ queues: [FLAKY_SPEC] });
}, 120_000);

afterAll(async () => {
  await fixtureDriver?.close();
  await stack?.close();
});

const sqsName = (queue: string) => sqsQueueNames(stack.env.QUEUE_PREFIX).main(queue);

function flakyRecord(fail: boolean, note: string, extra: Partial<SqsRecordOptions> = {}): SqsRecordOptions {
  return { body: envelopeBody('fixture_flaky', { fail, note }), queue: sqsName(FLAKY_QUEUE), ...extra };
}

const idOf = (record: SqsRecordOptions) => (JSON.parse(record.body) as { id: string }).id;

async function inboxIds(queue: string): Promise<string[]> {
  const { rows } = await stack.testDb.db.query<{ message_id: string }>(
    'select message_id from inbox where queue = $1',
    [queue],
  );
  return rows.map((row) => row.message_id);
}

async function runTask(id: string, records: SqsRecordOptions[], env = stack.env) {
  const build = id === FLAKY ? fixture.bundle(id) : bundles.bundle(id);
  const event = sqsEvent(records);
  const run = await invoke(build, [event], env);
  const [response] = resultsOf<SQSBatchResponse>(run);
  return { event, response: response!, logs: run.logs };
}

describe('task bundles: partial batch responses', () => {
  it('reports exactly the failing record of a batch of three, and commits the other two', async () => {
    const records = [flakyRecord(false, 'a'), flakyRecord(true, 'b'), flakyRecord(false, 'c')];
    const { event, response } = await runTask(FLAKY, records);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
    const inbox = await inboxIds(FLAKY_QUEUE);
    expect(inbox).toEqual(expect.arrayContaining([idOf(records[0]!), idOf(records[2]!)]));
    expect(inbox).not.toContain(idOf(records[1]!));
  });

  it('dead-letters a malformed record with its reason instead of reporting or throwing', async () => {
    const malformed: SqsRecordOptions = {
      body: '{"kind": "fixture_flaky", "payload": ',
      queue: sqsName(FLAKY_QUEUE),
    };
    const invalid = flakyRecord(false, 'x');
    invalid.body = envelopeBody('fixture_flaky', { fail: 'no', note: 1 });
    const { response } = await runTask(FLAKY, [malformed, invalid]);

    expect(response.batchItemFailures).toEqual([]);
    const dead = await fixtureDriver.listDead(FLAKY_QUEUE, 10);
    expect(dead.find((m) => m.rawBody === malformed.body)?.error).toMatch(/^malformed body/);
    expect(dead.find((m) => m.envelope?.id === idOf(invalid))?.error).toMatch(/^invalid payload/);
  });

  it("logs each record's lines with its own fields only, every line with the invocation's request id", async () => {
    const malformed: SqsRecordOptions = { body: 'not json', queue: sqsName(FLAKY_QUEUE) };
    const valid = flakyRecord(false, 'clean lines');
    const { logs } = await runTask(FLAKY, [malformed, valid]);

    const lines = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const dead = lines.find((line) => line.msg === 'malformed message dead-lettered');
    const succeeded = lines.find((line) => line.msg === 'task succeeded' && line.messageId === idOf(valid));
    expect(dead).toHaveProperty('reason');
    expect(succeeded).toBeDefined();
    expect(succeeded).not.toHaveProperty('reason');
    const requestIds = new Set(lines.map((line) => line.awsRequestId));
    expect(requestIds.size).toBe(1);
    expect([...requestIds][0]).toEqual(expect.any(String));
  });

  it('counts attempts from ApproximateReceiveCount: the last attempt dead-letters with the error', async () => {
    const last = flakyRecord(true, 'last', { receiveCount: FLAKY_SPEC.retry.attempts });
    const { response } = await runTask(FLAKY, [last]);

    expect(response.batchItemFailures).toEqual([]);
    const dead = await fixtureDriver.listDead(FLAKY_QUEUE, 10);
    const letter = dead.find((m) => m.envelope?.id === idOf(last));
    expect(letter?.error).toBe('asked to fail: last');
    expect(letter?.envelope?.attempt).toBe(FLAKY_SPEC.retry.attempts);
  });

  it('brings a failed record back after the retry delay, not the queue visibility timeout', async () => {
    // A real message, so its receipt handle is real: received now, invisible for 60 s.
    const client = rawSqsClient(stack.env.SQS_ENDPOINT!);
    const queueUrl = await urlOf(FLAKY_QUEUE);
    const body = envelopeBody('fixture_flaky', { fail: true, note: 'soon' });
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 2 }),
    );
    const message = received.Messages![0]!;
    const event = sqsEvent([
      { body: message.Body!, queue: sqsName(FLAKY_QUEUE), messageId: message.MessageId! },
    ]);
    event.Records[0]!.receiptHandle = message.ReceiptHandle!;

    const run = await invoke(fixture.bundle(FLAKY), [event], stack.env);
    expect(resultsOf<SQSBatchResponse>(run)[0]!.batchItemFailures).toEqual([
      { itemIdentifier: message.MessageId! },
    ]);

    // The retry policy says 1 s; without the adapter's visibility change it would take 60 s.
    const again = await waitFor(
      async () => {
        const reply = await client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
        );
        return reply.Messages?.find((m) => m.MessageId === message.MessageId);
      },
      { timeoutMs: 20_000 },
    );
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: again.ReceiptHandle! }));
  });

  it('reports a malformed record when its dead-letter queue cannot be reached, and does not throw', async () => {
    const malformed: SqsRecordOptions = { body: 'not json', queue: sqsName(FLAKY_QUEUE) };
    const unreachable = { ...stack.env, SQS_ENDPOINT: 'http://127.0.0.1:9' };
    const { event, response } = await runTask(FLAKY, [malformed, flakyRecord(false, 'fine')], unreachable);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
  });
});

describe('task bundles: every task function of the manifest', () => {
  it('has a valid sample payload for every task', () => {
    expect(Object.keys(VALID_PAYLOADS).sort()).toEqual(stack.manifest.tasks.map((entry) => entry.id).sort());
  });

  for (const [id, payload] of Object.entries(VALID_PAYLOADS)) {
    it(`${id}: runs a valid record once and dead-letters a malformed one`, async () => {
      const entry = stack.manifest.tasks.find((task) => task.id === id)!;
      const queue = queueName(entry);
      const valid = {
        body: envelopeBody(entry.definition.consumes[0]!, payload(owner)),
        queue: sqsName(queue),
      };
      const malformed = { body: `{"garbage": "${id}"}`, queue: sqsName(queue) };
      const { response, logs } = await runTask(id, [valid, malformed]);

      expect(response.batchItemFailures, logs).toEqual([]);
      expect(await inboxIds(queue)).toContain(idOf(valid));
      const dead = await stack.sqs.driver.listDead(queue, 10);
      expect(dead.map((m) => m.rawBody)).toContain(malformed.body);
    });
  }
});

/**
 * A payload each real task accepts and can run (in this order: the analytics sync needs the
 * report the report task writes). `owner` is a user of the run.
 */
const VALID_PAYLOADS: Record<string, (owner: string) => unknown> = {
  // A product event, then a like of that product, as the two catalog services send them.
  'catalog-apply-product-event': () => ({
    type: 'product_created',
    eventId: randomUUID(),
    productId: 1,
    version: 1,
    product: { title: 'Lamp', image: 'https://example.com/lamp.png' },
    occurredAt: new Date().toISOString(),
  }),
  'catalog-admin-count-like': () => ({
    eventId: randomUUID(),
    likeId: randomUUID(),
    productId: 1,
    occurredAt: new Date().toISOString(),
  }),
  'gradcafe-recompute-analytics': () => ({}),
  'gradcafe-scrape-new-data': () => ({}),
  'platform-prune': () => ({}),
  'notes-task-report': (owner) => ({ ownerId: owner }),
  'notes-sync-report-analytics': (owner) => ({ ownerId: owner }),
  // The inboxes are empty (DATA_DIR is a fresh folder) and no import is queued: a run that finds nothing.
  'imports-daily-import': () => ({}),
  'imports-import-file': () => ({ importId: '999999' }),
  // The bundled provider emulator, read in-process: the sync, then both enrichments.
  'people-sync-users': () => ({}),
  'people-enrich-addresses': () => ({}),
  'people-enrich-cards': () => ({}),
};

const urls = new Map<string, string>();
async function urlOf(queue: string): Promise<string> {
  if (!urls.has(queue)) {
    const reply = await rawSqsClient(stack.env.SQS_ENDPOINT!).send(
      new GetQueueUrlCommand({ QueueName: sqsName(queue) }),
    );
    urls.set(queue, reply.QueueUrl!);
  }
  return urls.get(queue)!;
}

describe('task bundles: batches, pools and transactions', () => {
  beforeAll(async () => {
    await fixtureDriver.declare({
      queues: [
        { ...FLAKY_SPEC, name: 'fixture.slow-task', kinds: ['fixture_slow'], concurrency: 1 },
        { ...FLAKY_SPEC, name: 'fixture.batched-task', kinds: ['fixture_batched'] },
      ],
    });
  }, 120_000);

  it('runs a batch larger than the pool one record after another, so no record times out waiting', async () => {
    // concurrency 1: one connection. Four records holding it 2 s each: without the limit in front
    // of the pool, the fourth would wait more than pg's 5 s connection timeout and fail.
    const records = [1, 2, 3, 4].map((n) => ({
      body: envelopeBody('fixture_slow', { ms: 2_000 }, { correlationId: `slow-${n}` }),
      queue: sqsName('fixture.slow-task'),
    }));
    const run = await invoke(fixture.bundle('fixture-slow-task'), [sqsEvent(records)], stack.env);
    expect(resultsOf<SQSBatchResponse>(run)[0]!.batchItemFailures, run.logs).toEqual([]);
  }, 30_000);

  it('lets the records of a batch: true task share transactions, even on a cold start', async () => {
    const records = [1, 2, 3, 4].map((n) => ({
      body: envelopeBody('fixture_batched', { n }),
      queue: sqsName('fixture.batched-task'),
    }));
    const run = await invoke(fixture.bundle('fixture-batched-task'), [sqsEvent(records)], stack.env);
    expect(resultsOf<SQSBatchResponse>(run)[0]!.batchItemFailures).toEqual([]);
    const ran = run.logs
      .split('\n')
      .filter((line) => line.includes('fixture message ran'))
      .map((line) => JSON.parse(line) as { n: number; txid: string });
    expect(ran.map((line) => line.n).sort()).toEqual([1, 2, 3, 4]);
    // As with the local drivers, the first record starts a transaction at once and the records
    // that arrive while it runs share the next one: fewer transactions than records. (Built per
    // record, a cold container would give each its own processor and transaction.)
    expect(new Set(ran.map((line) => line.txid)).size).toBeLessThan(4);
  });
});
