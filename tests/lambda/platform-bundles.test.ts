import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../shared/db/migrate.ts';
import { createHttpApp, type HttpApp } from '../../shared/http/app.ts';
import type { HttpResult } from '../../shared/lambda/types.ts';
import { queueName } from '../../shared/runtime/manifest.ts';
import { httpEvent, scheduledEvent } from '../../scripts/lambda/events.ts';
import { createTestDb } from '../helpers/db.ts';
import {
  answerOfLambda,
  answerOfResponse,
  sharedBundles,
  createLambdaStack,
  invoke,
  resultsOf,
  type LambdaStack,
} from '../helpers/lambda.ts';
import { ASSETS_ID, MIGRATE_ID, OUTBOX_SWEEP_ID } from '../../scripts/lambda/build/entries.ts';
import { writeToOutbox } from '../../shared/outbox/index.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { testLog } from '../helpers/platform.ts';

/** Schedule bundles with EventBridge events, and the two bundles that are not function files. */
let stack: LambdaStack;
const bundles = sharedBundles();

beforeAll(async () => {
  stack = await createLambdaStack();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('schedule bundles', () => {
  it('each scheduled event triggers a job for the task its schedule names', async () => {
    expect(stack.manifest.schedules.length).toBeGreaterThan(0);
    for (const entry of stack.manifest.schedules) {
      const kind = entry.definition.publishes;
      const task = stack.manifest.tasks.find((t) => t.definition.consumes.includes(kind))!;
      const before = (await stack.sqs.driver.depth(queueName(task))).ready;
      const time = new Date('2026-11-23T03:17:00Z');

      const run = await invoke(
        bundles.bundle(entry.id),
        [scheduledEvent({ rule: entry.id, time })],
        stack.env,
      );
      const [fired] = resultsOf<{ jobId: string; kind: string }>(run);

      expect(fired?.kind).toBe(kind);
      const job = await stack.platform
        .httpCtx({ correlationId: 'test', log: testLog })
        .jobs.get(fired!.jobId);
      expect(job).toMatchObject({ kind, status: 'queued' });
      expect(job?.correlationId).toMatch(new RegExp(`^schedule:${entry.id}:`));
      expect((await stack.sqs.driver.depth(queueName(task))).ready).toBe(before + 1);
    }
  });
});

describe('schedule bundles: at-least-once delivery', () => {
  it('one EventBridge event delivered twice records one job, and its two messages share one id (the inbox runs the task once)', async () => {
    const entry = stack.manifest.schedules[0]!;
    const event = scheduledEvent({ rule: entry.id });
    const run = await invoke(bundles.bundle(entry.id), [event, event], stack.env);
    const [first, second] = resultsOf<{ jobId: string; messageId: string; kind: string }>(run);

    expect(second?.jobId).toBe(first?.jobId);
    expect(second?.messageId).toBe(first?.messageId);
    const { rows } = await stack.testDb.db.query<{ n: number }>(
      'select count(*)::int as n from jobs where id = $1',
      [first!.jobId],
    );
    expect(rows[0]?.n).toBe(1);
  });
});

describe('platform-outbox-sweep', () => {
  it('sends what waits in the outbox, once', async () => {
    const task = stack.manifest.tasks[0]!;
    const kind = task.definition.consumes[0]!;
    const envelope = createEnvelope({ kind, payload: {} });
    await stack.testDb.db.transaction((tx) => writeToOutbox(tx, envelope));
    const before = (await stack.sqs.driver.depth(queueName(task))).ready;

    const run = await invoke(
      bundles.bundle(OUTBOX_SWEEP_ID),
      [scheduledEvent({ rule: OUTBOX_SWEEP_ID })],
      stack.env,
    );
    expect(resultsOf<{ sent: number }>(run)).toEqual([{ sent: 1 }]);
    expect((await stack.sqs.driver.depth(queueName(task))).ready).toBe(before + 1);
    const { rows } = await stack.testDb.db.query(
      `select sent_at is not null as sent from outbox where message_id = $1`,
      [envelope.id],
    );
    expect(rows).toEqual([{ sent: true }]);
  });
});

describe('platform-migrate', () => {
  it('applies the migrations embedded at build time to an empty database, then nothing', async () => {
    const empty = await createTestDb('postgres', { migrations: [] });
    try {
      const env = { ...stack.env, DATABASE_URL: empty.url! };
      const run = await invoke(bundles.bundle(MIGRATE_ID), [{}, {}], env);
      const [first, second] = resultsOf<{ applied: string[] }>(run);

      expect(first?.applied).toEqual((await loadMigrations()).map((m) => m.name));
      expect(second?.applied).toEqual([]);
      const { rows } = await empty.db.query<{ n: number }>('select count(*)::int as n from jobs');
      expect(rows[0]?.n).toBe(0);
    } finally {
      await empty.drop();
    }
  });
});

describe('platform-migrate as the deploy’s custom resource', () => {
  /** A stand-in for CloudFormation's pre-signed response URL: records what the function PUTs. */
  async function responseUrl(): Promise<{
    url: string;
    received: Promise<Record<string, unknown>>;
    close(): void;
  }> {
    let resolve!: (body: Record<string, unknown>) => void;
    const received = new Promise<Record<string, unknown>>((r) => (resolve = r));
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        res.end();
        resolve({ method: req.method, ...(JSON.parse(body) as Record<string, unknown>) });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/response?signature=x`, received, close: () => server.close() };
  }

  const customResourceEvent = (url: string, requestType: 'Create' | 'Update' | 'Delete') => ({
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:PlatformMigrate',
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/fnstack/abc',
    RequestId: 'req-1',
    LogicalResourceId: 'MigrateOnDeploy',
    ResourceType: 'AWS::CloudFormation::CustomResource',
    ResourceProperties: { ServiceToken: 'x', Migrations: 'abc' },
  });

  it('migrates on Create and answers SUCCESS to CloudFormation', async () => {
    const empty = await createTestDb('postgres', { migrations: [] });
    const cfn = await responseUrl();
    try {
      const env = { ...stack.env, DATABASE_URL: empty.url! };
      const run = await invoke(bundles.bundle(MIGRATE_ID), [customResourceEvent(cfn.url, 'Create')], env);
      const [result] = resultsOf<{ applied: string[] }>(run);
      const names = (await loadMigrations()).map((m) => m.name);

      expect(result?.applied).toEqual(names);
      expect(await cfn.received).toMatchObject({
        method: 'PUT',
        Status: 'SUCCESS',
        PhysicalResourceId: 'fnstack-migrations',
        RequestId: 'req-1',
        LogicalResourceId: 'MigrateOnDeploy',
        Data: { Applied: names.length },
      });
    } finally {
      cfn.close();
      await empty.drop();
    }
  });

  it('answers FAILED with the reason when the database cannot be reached, so the deploy rolls back', async () => {
    const cfn = await responseUrl();
    try {
      const env = { ...stack.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:9/nowhere' };
      await invoke(bundles.bundle(MIGRATE_ID), [customResourceEvent(cfn.url, 'Update')], env);
      const answer = await cfn.received;
      expect(answer.Status).toBe('FAILED');
      expect(String(answer.Reason)).toMatch(/127\.0\.0\.1:9/);
    } finally {
      cfn.close();
    }
  });
});

describe('platform-assets', () => {
  let runner: HttpApp;
  beforeAll(() => {
    runner = createHttpApp({
      manifest: stack.manifest,
      makeCtx: stack.platform.httpCtx,
      log: testLog,
      metrics: stack.platform.metrics,
      auth: stack.platform.auth,
      config: stack.platform.config,
    });
  });

  it('serves the OpenAPI document, the docs and htmx byte for byte as the runner does', async () => {
    const paths = [
      '/openapi.json',
      '/docs',
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-initializer.js',
      '/docs/assets/favicon-32x32.png',
      '/static/htmx.min.js',
      '/docs/assets/not-there.js',
    ];
    const run = await invoke(
      bundles.bundle(ASSETS_ID),
      paths.map((path) => httpEvent({ method: 'GET', path })),
      stack.env,
    );
    const remote = resultsOf<HttpResult>(run).map(answerOfLambda);

    for (const [index, path] of paths.entries()) {
      const local = await answerOfResponse(await runner.request(path));
      const answer = remote[index]!;
      expect({ path, status: answer.status }).toEqual({ path, status: local.status });
      expect(answer.headers['content-type'], path).toBe(local.headers['content-type']);
      expect(answer.headers['etag'], path).toBe(local.headers['etag']);
      if (local.status === 200) expect(answer.body.equals(local.body), `${path} differs`).toBe(true);
    }
    expect(remote.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 404]);
  });
});

describe('tracing on Lambda', () => {
  it("exports an invocation's spans before it ends, in the caller's trace", async () => {
    // An OTLP collector that only keeps what it receives.
    const received: Buffer[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const run = await invoke(
        bundles.bundle('platform-healthz'),
        [
          httpEvent({
            method: 'GET',
            path: '/healthz',
            headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
          }),
        ],
        { ...stack.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      );
      expect(resultsOf<HttpResult>(run).map((result) => result.statusCode)).toEqual([200]);
      // Sent while the invocation was still running: the process is gone now. (OTLP as JSON.)
      type Exported = { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
      const spans = received.flatMap((body) =>
        (JSON.parse(body.toString('utf8')) as Exported).resourceSpans.flatMap((r) =>
          r.scopeSpans.flatMap((scope) => scope.spans),
        ),
      );
      expect(spans).toEqual([
        expect.objectContaining({ name: 'GET /healthz', traceId, parentSpanId: 'b7ad6b7169203331' }),
      ]);
    } finally {
      collector.close();
    }
  });
});
