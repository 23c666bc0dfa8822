import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../shared/db/migrate.ts';
import { createHttpApp, type HttpApp } from '../../shared/http/app.ts';
import type { HttpResult } from '../../shared/lambda/types.ts';
import { queueName } from '../../shared/runtime/manifest.ts';
import { httpEvent, scheduledEvent } from '../../scripts/lambda/events.ts';
import { ASSETS_ID, MIGRATE_ID } from '../../scripts/lambda/build/entries.ts';
import { createTestDb } from '../helpers/db.ts';
import {
  answerOfLambda,
  answerOfResponse,
  buildBundles,
  createLambdaStack,
  invoke,
  resultsOf,
  type LambdaStack,
} from '../helpers/lambda.ts';
import { testLog } from '../helpers/platform.ts';

/** Schedule bundles with EventBridge events, and the two bundles that are not function files. */
let stack: LambdaStack;
let bundles: Awaited<ReturnType<typeof buildBundles>>;

beforeAll(async () => {
  stack = await createLambdaStack();
  bundles = await buildBundles({
    only: [...stack.manifest.schedules.map((entry) => entry.id), MIGRATE_ID, ASSETS_ID],
  });
}, 120_000);

afterAll(async () => {
  await bundles?.remove();
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
      const job = await stack.platform.httpCtx('test', testLog).jobs.get(fired!.jobId);
      expect(job).toMatchObject({ kind, status: 'queued' });
      expect(job?.correlationId).toMatch(new RegExp(`^schedule:${entry.id}:`));
      expect((await stack.sqs.driver.depth(queueName(task))).ready).toBe(before + 1);
    }
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

describe('platform-assets', () => {
  let runner: HttpApp;
  beforeAll(() => {
    runner = createHttpApp({
      manifest: stack.manifest,
      makeCtx: ({ correlationId, log }) => stack.platform.httpCtx(correlationId, log),
      log: testLog,
      metrics: stack.platform.metrics,
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
