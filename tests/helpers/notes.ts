import { isHtmx } from '../../shared/http/wants-html.ts';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { pino } from 'pino';
import type * as z from 'zod';
import { createCache, type Cache } from '../../shared/cache/index.ts';
import type {
  AuthUser,
  FunctionDefinition,
  HttpCtx,
  HttpDefinition,
  HttpRequest,
  TaskCtx,
  TaskDefinition,
} from '../../shared/contract/index.ts';
import type { Db, QueryResult, Tx } from '../../shared/db/port.ts';
import { ValidationError } from '../../shared/errors.ts';
import { createHttpApp, type HttpApp } from '../../shared/http/app.ts';
import { createMetrics, type Metrics } from '../../shared/observability/metrics.ts';
import { buildManifest, isFunctionFile } from '../../shared/runtime/manifest.ts';
import { describeIssues } from '../../shared/validation.ts';
import type { FakePublisher } from './fake-ctx.ts';
import { createFakeAuth, createFakeCtx, fakeRequest, type FakeCtxParts, fakeTaskAuth } from './fake-ctx.ts';
import { REDIS_TEST_URL, uniqueRedisPrefix } from './redis.ts';

/**
 * Test helpers for the Notes app (functions/notes/): accounts, a ctx over a real database and
 * cache, handler calls with input validated as the platform would, task runs, and a database
 * that counts the statements it runs (to tell cache hits from loads).
 */

export const silentLog = pino({ level: 'silent' });

/** Insert an account straight into auth.users (no password: these tests never log in). */
export async function insertUser(
  db: Db,
  fields: { email?: string; role?: AuthUser['role']; id?: string } = {},
): Promise<AuthUser> {
  const id = fields.id ?? randomUUID();
  const email = fields.email ?? `u-${id.slice(0, 8)}@example.com`;
  const role = fields.role ?? 'user';
  await db.query(
    `insert into auth.users (id, email, password_hash, role) values ($1, $2, '$scrypt$test', $3)`,
    [id, email, role],
  );
  return { id, email, role };
}

/** A cache on the test Redis under a prefix of its own; `close()` it, then deleteRedisPrefix(prefix). */
export function redisCache(metrics: Metrics = createMetrics()): {
  cache: Cache;
  prefix: string;
  metrics: Metrics;
} {
  const prefix = uniqueRedisPrefix();
  const cache = createCache({ redisUrl: REDIS_TEST_URL, prefix, metrics, log: silentLog });
  return { cache, prefix, metrics };
}

/** An HTTP ctx with fake jobs and publisher but a real database (and cache; default in memory). */
export function notesHttpCtx(db: Db, cache?: Cache): FakeCtxParts & { ctx: HttpCtx } {
  const parts = createFakeCtx();
  const ctx = {
    ...parts.makeCtx({ correlationId: 'test-correlation-id', log: silentLog }),
    db,
    cache: cache ?? parts.cache,
  };
  return { ...parts, ctx };
}

type AnyHttp = HttpDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

export interface CallInput {
  user?: AuthUser | undefined;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  headers?: Record<string, string>;
  wantsHtml?: boolean;
}

function parsePart(part: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ValidationError(`Invalid request: ${part}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Call a function's handler as the platform would after authentication: params, query and body
 * validated by the definition's schemas (a ValidationError, as the platform's 400, when not).
 *
 * @example
 *   const res = await callHttp(createTask, { user, body: { title: 'x' } }, ctx);
 */
export async function callHttp(
  definition: FunctionDefinition,
  input: CallInput,
  ctx: HttpCtx,
): Promise<Response> {
  const def = definition as AnyHttp;
  const headers = new Headers(input.headers ?? {});
  const request = fakeRequest({
    user: input.user,
    params: parsePart('params', def.params, input.params),
    query: parsePart('query', def.query, input.query),
    body: parsePart('body', def.body, input.body),
    headers,
    wantsHtml: input.wantsHtml ?? isHtmx(headers),
    htmx: isHtmx(headers),
  }) as HttpRequest<unknown, unknown, unknown>;
  return def.handler(request as never, ctx);
}

/** Headers of an htmx request. */
export const htmx = { 'hx-request': 'true' };

/** Run a task definition's handler in a transaction, as the consumer core does (without the inbox). */
export async function runTask<R>(
  definition: TaskDefinition<z.ZodType, R>,
  db: Db,
  payload: unknown,
  options: { jobId?: string; messageId?: string; publisher?: FakePublisher; cache?: Cache } = {},
): Promise<R> {
  if (definition.ownTransactions) throw new Error('runTask runs tasks that take one transaction');
  const base = createFakeCtx();
  const parsed = definition.payload.parse(payload);
  return db.transaction((tx: Tx) => {
    const ctx: TaskCtx = {
      queue: options.publisher ?? base.queue,
      jobs: base.jobs,
      log: silentLog,
      config: base.makeCtx({ correlationId: 'test', log: silentLog }).config,
      metrics: base.metrics,
      cache: options.cache ?? base.cache,
      db: tx,
      auth: fakeTaskAuth,
      message: {
        id: options.messageId ?? randomUUID(),
        kind: definition.consumes[0]!,
        attempt: 1,
        maxAttempts: definition.retry.attempts,
        correlationId: 'test-correlation-id',
        ...(options.jobId ? { jobId: options.jobId } : {}),
      },
    };
    return definition.handler(parsed, ctx);
  });
}

/** A database that records every statement it runs (outside transactions), to count loads. */
export function countingDb(db: Db): Db & { statements: string[]; count(fragment: string): number } {
  const statements: string[] = [];
  return {
    kind: db.kind,
    connections: db.connections,
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    statements,
    count: (fragment) => statements.filter((sql) => sql.includes(fragment)).length,
    query<Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      statements.push(sql);
      return db.query<Row>(sql, params);
    },
    copyFrom: (table, columns, rows) => db.copyFrom(table, columns, rows),
    copyFromCsv: (table, columns, csv) => db.copyFromCsv(table, columns, csv),
    transaction: (fn) => db.transaction(fn),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

/** The Notes functions, imported as the manifest loader would. */
export async function notesModules(): Promise<{ file: string; module: { default?: unknown } }[]> {
  const dir = new URL('../../functions/notes/', import.meta.url);
  const files = (await readdir(dir)).filter(isFunctionFile).sort();
  return Promise.all(
    files.map(async (file) => ({
      file: `functions/notes/${file}`,
      module: (await import(new URL(file, dir).href)) as { default?: unknown },
    })),
  );
}

/**
 * The platform's HTTP app over the Notes functions, with the fake bearer-token auth of
 * fake-ctx.ts (FAKE_USERS, `fakeBearer(user)`), a real database and cache, fake jobs.
 */
export async function notesHttpApp(db: Db, cache: Cache): Promise<FakeCtxParts & { app: HttpApp }> {
  const parts = createFakeCtx();
  const manifest = buildManifest(await notesModules());
  const app = createHttpApp({
    manifest,
    makeCtx: (req) => ({ ...parts.makeCtx(req), db, cache }),
    log: silentLog,
    metrics: parts.metrics,
    auth: createFakeAuth(),
    platformRoutes: false,
  });
  return { ...parts, app };
}
