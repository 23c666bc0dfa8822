import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { HttpCtx, QueueAdmin } from '../../shared/contract/context.ts';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import type { Db } from '../../shared/db/port.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { MAX_BODY_BYTES } from '../../shared/http/function-route.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { createRabbitMqDriver } from '../../shared/queue/rabbitmq/index.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import {
  createCapturingLogger,
  createFakeCtx,
  platformModules,
  createFakeAuth,
} from '../helpers/fake-ctx.ts';

/**
 * The app behind a real socket (@hono/node-server, as the runner serves it), with readiness
 * checked against the real Postgres and RabbitMQ. Only reads: nothing to isolate or clean.
 */
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// Nothing listens on port 1: connecting is refused at once.
const DEAD_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:1';
const DEAD_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';

const echo = defineHttp({
  method: 'POST',
  path: '/echo',
  auth: 'public',
  summary: 'Echo the body',
  body: z.object({ text: z.string() }),
  handler: ({ body }) => json({ length: body.text.length }),
});

const selectOne = defineHttp({
  method: 'GET',
  path: '/count',
  auth: 'public',
  summary: 'Read from the database',
  handler: async (_req, ctx) => json((await ctx.db.query<{ n: number }>('select 1 as n')).rows[0]),
});

const optionalBody = defineHttp({
  method: 'POST',
  path: '/optional',
  auth: 'public',
  summary: 'A body that may be left out',
  body: z.object({ since: z.number().optional() }).optional(),
  handler: ({ body }) => json({ body }),
});

function queueAdminOf(driver: QueueDriver): QueueAdmin {
  return {
    driver: driver.name,
    queues: () => [],
    outbox: async () => ({ pending: 0, lagSeconds: 0 }),
    listDead: (queue, limit) => driver.listDead(queue, limit),
    replayDead: (queue, options) => driver.replayDead(queue, options),
    purgeDead: (queue, options) => driver.purgeDead(queue, options),
    depth: (queue) => driver.depth(queue),
    check: () => driver.check(),
  };
}

async function startServer(db: Db, driver: QueueDriver): Promise<{ server: ServerType; base: string }> {
  const fakes = createFakeCtx();
  const manifest = buildManifest([
    ...(await platformModules()),
    { file: 'functions/demo/echo.ts', module: { default: echo } },
    { file: 'functions/demo/count.ts', module: { default: selectOne } },
    { file: 'functions/demo/optional.ts', module: { default: optionalBody } },
  ]);
  const app = createHttpApp({
    manifest,
    log: createCapturingLogger('warn').log,
    metrics: fakes.metrics,
    auth: createFakeAuth(),
    makeCtx: (req): HttpCtx => ({ ...fakes.makeCtx(req), db, queueAdmin: queueAdminOf(driver) }),
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, base: `http://127.0.0.1:${info.port}` }),
    );
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/** POST a body in chunks with no Content-Length, as a streaming client would. */
function postChunked(
  base: string,
  path: string,
  chunks: Buffer[],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer 413 and close before every chunk is written.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('HTTP app behind a real server', () => {
  let db: Db;
  let liveDriver: QueueDriver;
  let deadDriver: QueueDriver;
  let live: { server: ServerType; base: string };
  let brokerDown: { server: ServerType; base: string };
  let deadDb: Db;
  let dbDown: { server: ServerType; base: string };

  beforeAll(async () => {
    db = createPgDb(DATABASE_URL, { max: 2, log: createCapturingLogger('silent').log });
    const log = createCapturingLogger('silent').log;
    liveDriver = createRabbitMqDriver({ url: RABBITMQ_URL, prefix: 'http-server-test.', log });
    deadDriver = createRabbitMqDriver({ url: DEAD_RABBITMQ_URL, connectTimeoutMs: 500, log });
    live = await startServer(db, liveDriver);
    brokerDown = await startServer(db, deadDriver);
    deadDb = createPgDb(DEAD_DATABASE_URL, { max: 1, log: createCapturingLogger('silent').log });
    dbDown = await startServer(deadDb, liveDriver);
  });

  afterAll(async () => {
    await Promise.all([live, brokerDown, dbDown].map((started) => started && close(started.server)));
    await Promise.all([liveDriver?.close(), deadDriver?.close(), db?.close(), deadDb?.close()]);
  });

  it('is ready when the real Postgres and RabbitMQ answer', async () => {
    const res = await fetch(`${live.base}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', checks: { db: 'ok', queue: 'ok' } });
    expect(res.status).toBe(200);
  });

  it('answers 503 within the probe timeout when the broker is unreachable', async () => {
    const started = Date.now();
    const res = await fetch(`${brokerDown.base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: { db: string; queue: string } };
    expect(body.checks.db).toBe('ok');
    expect(body.checks.queue).not.toBe('ok');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('serves a JSON post and echoes the correlation id', async () => {
    const res = await fetch(`${live.base}/demo/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'it-1' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe('it-1');
    expect(await res.json()).toEqual({ length: 5 });
  });

  it('stops a chunked body at 1 MB with 413 and keeps serving', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks = Array.from({ length: Math.ceil(MAX_BODY_BYTES / chunk.length) + 2 }, () => chunk);
    const res = await postChunked(live.base, '/demo/echo', chunks);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await fetch(`${live.base}/healthz`)).status).toBe(200);
  });

  it('accepts a chunked body under the limit', async () => {
    const text = 'b'.repeat(200_000);
    const payload = Buffer.from(JSON.stringify({ text }));
    const chunks = [payload.subarray(0, 100_000), payload.subarray(100_000)];
    const res = await postChunked(live.base, '/demo/echo', chunks);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ length: text.length });
  });

  it('answers 503 DB_UNAVAILABLE when the database cannot be reached', async () => {
    const up = await fetch(`${live.base}/demo/count`);
    expect(await up.json()).toEqual({ n: 1 });
    const res = await fetch(`${dbDown.base}/demo/count`, { headers: { 'x-correlation-id': 'it-db' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: 'DB_UNAVAILABLE', message: 'Service unavailable', correlationId: 'it-db' },
    });
  });

  it('reads a POST without a body (curl -X POST) as {}, and refuses a text/plain body with 415', async () => {
    const empty = await fetch(`${live.base}/demo/optional`, { method: 'POST' });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ body: {} });
    const text = await fetch(`${live.base}/demo/optional`, { method: 'POST', body: '{"since":1}' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('serves the Swagger UI bundle in full', async () => {
    const res = await fetch(`${live.base}/docs/assets/swagger-ui-bundle.js`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
  });
});
