import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineHttp, json, redirect } from '../../shared/contract/index.ts';
import { DbError, DbUnavailableError } from '../../shared/db/port.ts';
import { NotFoundError, QueueUnavailableError, UpstreamError } from '../../shared/errors.ts';
import { encodeFlash } from '../../shared/http/flash.ts';
import { literalFirst } from '../../shared/http/app.ts';
import { MAX_BODY_BYTES } from '../../shared/http/function-route.ts';
import { createFakeHttpApp, readJson } from '../helpers/fake-ctx.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const echo = defineHttp({
  method: 'POST',
  path: '/echo',
  auth: 'public',
  // These fixtures test input parsing of form posts made without a session; CSRF has its own tests.
  csrf: false,
  summary: 'Echo validated input',
  query: z.object({
    q: z
      .string()
      .regex(/^[a-z]*$/)
      .optional(),
    tag: z.array(z.string()).optional(),
  }),
  body: z.object({ name: z.string().max(20), tags: z.array(z.string()).optional() }),
  handler: (req) => json({ query: req.query, body: req.body, wantsHtml: req.wantsHtml }),
});

const boom = defineHttp({
  method: 'GET',
  path: '/boom/:kind',
  auth: 'public',
  summary: 'Fail in a chosen way',
  params: z.object({ kind: z.enum(['not-found', 'upstream', 'unknown', 'string']) }),
  handler: ({ params }) => {
    if (params.kind === 'not-found') throw new NotFoundError('No such widget');
    if (params.kind === 'upstream') throw new UpstreamError('feed.example.com:443 refused (secret detail)');
    if (params.kind === 'string') throw 'a thrown string';
    throw new Error('db password is hunter2');
  },
});

const showFlash = defineHttp({
  method: 'GET',
  path: '/flash',
  auth: 'public',
  summary: 'Render flash',
  handler: (req) => json({ flash: req.flash }),
});

const ignoreFlash = defineHttp({
  method: 'GET',
  path: '/fragment',
  auth: 'public',
  summary: 'A fragment that does not render flash',
  handler: () => json({ ok: true }),
});

const readAndRedirect = defineHttp({
  method: 'POST',
  path: '/save',
  auth: 'public',
  summary: 'Read flash, then redirect with a new one',
  handler: (req) => {
    void req.flash;
    return redirect('/demo/flash', { flash: { type: 'success', message: 'Saved' } });
  },
});

const countRows = defineHttp({
  method: 'GET',
  path: '/rows',
  auth: 'public',
  summary: 'Read from the database',
  handler: async (_req, ctx) => json((await ctx.db.query('select count(*) as n from jobs')).rows),
});

const optionalBody = defineHttp({
  method: 'POST',
  path: '/optional',
  auth: 'public',
  // These fixtures test input parsing of form posts made without a session; CSRF has its own tests.
  csrf: false,
  summary: 'A body that may be left out, as POST /gradcafe/pull-data',
  body: z.object({ since: z.coerce.number().optional() }).optional(),
  handler: (req) => json({ body: req.body }),
});

const triggerJob = defineHttp({
  method: 'POST',
  path: '/trigger',
  auth: 'public',
  summary: 'Trigger a job',
  handler: async (_req, ctx) => json(await ctx.jobs.trigger('demo_job', { n: 1 }), 202),
});

const page = defineHttp({
  method: 'GET',
  path: '/page',
  auth: 'public',
  summary: 'A page',
  hidden: true,
  handler: () => json({ page: true }),
});

const fixtures = {
  'functions/demo/page.ts': page,
  'functions/demo/rows.ts': countRows,
  'functions/demo/optional.ts': optionalBody,
  'functions/demo/trigger.ts': triggerJob,
  'functions/demo/echo.ts': echo,
  'functions/demo/boom.ts': boom,
  'functions/demo/flash.ts': showFlash,
  'functions/demo/fragment.ts': ignoreFlash,
  'functions/demo/save.ts': readAndRedirect,
};

let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
beforeEach(async () => {
  t = await createFakeHttpApp(fixtures);
});

const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('correlation id', () => {
  it('echoes a sane incoming id and hands it to ctx and the logs', async () => {
    const res = await t.app.request('/healthz', { headers: { 'x-correlation-id': 'abc-123:req.7' } });
    expect(res.headers.get('x-correlation-id')).toBe('abc-123:req.7');
    expect(t.made.at(-1)?.correlationId).toBe('abc-123:req.7');
    expect(t.lines.find((l) => l.msg === 'request')).toMatchObject({ correlationId: 'abc-123:req.7' });
  });

  it('accepts x-request-id', async () => {
    const res = await t.app.request('/healthz', { headers: { 'x-request-id': 'lb-42' } });
    expect(res.headers.get('x-correlation-id')).toBe('lb-42');
  });

  it.each([['has spaces and "quotes"'], ['x'.repeat(129)], ['']])(
    'replaces an unsafe id (%#) with a uuid',
    async (id) => {
      const res = await t.app.request('/healthz', { headers: { 'x-correlation-id': id } });
      expect(res.headers.get('x-correlation-id')).toMatch(UUID);
    },
  );

  it('generates one when none is given, also for unknown routes', async () => {
    const res = await t.app.request('/nowhere');
    expect(res.headers.get('x-correlation-id')).toMatch(UUID);
  });
});

describe('access log', () => {
  it('writes one line per request with method, route pattern, status and duration', async () => {
    await t.app.request('/demo/boom/not-found');
    const access = t.lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, method: 'GET', route: '/demo/boom/:kind', status: 404 });
    expect(access[0]!.durationMs).toEqual(expect.any(Number));
  });

  it('logs probes at debug, not info', async () => {
    await t.app.request('/healthz');
    expect(t.lines.find((l) => l.msg === 'request')).toMatchObject({ level: 20, route: '/healthz' });
  });
});

describe('routing errors', () => {
  it('answers an unknown route with 404 JSON', async () => {
    const res = await t.app.request('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await readJson(res)).error.code).toBe('NOT_FOUND');
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const res = await t.app.request('/healthz', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await readJson(res)).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('routes a literal segment before a parameter in the same place, whatever the declaration order', () => {
    const paths = [
      '/people/users/:id',
      '/people/users',
      '/people/',
      '/people/users/ui',
      '/a/:x/b',
      '/a/y/:z',
    ];
    expect(literalFirst(paths, (path) => path)).toEqual([
      '/people/users',
      '/people/',
      '/people/users/ui',
      '/people/users/:id',
      '/a/y/:z',
      '/a/:x/b',
    ]);
  });

  it('serves HEAD for GET routes', async () => {
    const res = await t.app.request('/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
  });

  it('shows a browser that navigated to an error a page in the layout, with the same status and a way home', async () => {
    const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const missing = await t.app.request('/no/such/route', { headers: browser });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const page = await missing.text();
    expect(page).toContain('Page not found');
    expect(page).toContain('No route for GET /no/such/route');
    expect(page).toContain('href="/"');

    const fault = await t.app.request('/demo/boom/unknown', { headers: browser });
    expect(fault.status).toBe(500);
    const faultPage = await fault.text();
    expect(faultPage).toContain('Something went wrong');
    expect(faultPage).not.toContain('hunter2');
    expect(faultPage).toContain(fault.headers.get('x-correlation-id')!);

    // API clients and htmx keep JSON.
    expect((await t.app.request('/no/such/route')).headers.get('content-type')).toContain('application/json');
    const htmx = await t.app.request('/no/such/route', { headers: { ...browser, 'hx-request': 'true' } });
    expect(htmx.headers.get('content-type')).toContain('application/json');
  });

  it('serves the site icon', async () => {
    const res = await t.app.request('/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});

describe('input validation', () => {
  it('rejects a body that fails its schema with 400 naming the field', async () => {
    const res = await postJson('/demo/echo', JSON.stringify({ name: 42 }));
    expect(res.status).toBe(400);
    const { error } = await readJson(res);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toEqual([
      { path: 'body.name', message: expect.stringContaining('expected string') },
    ]);
  });

  it('reports problems of every part at once', async () => {
    const res = await postJson('/demo/echo?q=UPPER', JSON.stringify({ name: 'x'.repeat(21) }));
    const { error } = await readJson(res);
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.name', 'query.q']);
  });

  it('answers an injection-looking query value the schema forbids with 400, not 500', async () => {
    const res = await postJson(`/demo/echo?q=${encodeURIComponent("' OR 1=1 --")}`, '{"name":"a"}');
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.details[0].path).toBe('query.q');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await postJson('/demo/echo', '{"name": "ann",');
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.code).toBe('MALFORMED_JSON');
  });

  it('reads an empty JSON body as {}', async () => {
    const res = await postJson('/demo/echo', '');
    expect((await readJson(res)).error.details[0].path).toBe('body.name');
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await postJson('/demo/echo', JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect((await readJson(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('takes the first value of a repeated query key unless the schema wants an array', async () => {
    const res = await postJson('/demo/echo?q=abc&q=zzz&tag=x&tag=y', '{"name":"ann"}');
    expect((await readJson(res)).query).toEqual({ q: 'abc', tag: ['x', 'y'] });
  });
});

describe('input the database cannot take, and parameters a route does not have', () => {
  const nulIn = async (res: Response) => {
    expect(res.status).toBe(400);
    const { error } = await readJson(res);
    expect(error.code).toBe('VALIDATION_ERROR');
    return (error.details as { path: string; message: string }[]).map((d) => [d.path, d.message]);
  };

  it('refuses a NUL character in a JSON string with 400 naming the field (Postgres would answer 500)', async () => {
    expect(await nulIn(await postJson('/demo/echo', '{"name":"a\\u0000b"}'))).toEqual([
      ['body.name', 'must not contain a NUL character (\\u0000)'],
    ]);
  });

  it('refuses it in a form field, a query value, a path parameter and a JSON key', async () => {
    const form = await t.app.request('/demo/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=a%00b',
    });
    expect(await nulIn(form)).toEqual([['body.name', expect.stringContaining('NUL')]]);
    expect(await nulIn(await postJson('/demo/echo?q=a%00', '{"name":"a"}'))).toEqual([
      ['query.q', expect.stringContaining('NUL')],
    ]);
    expect(await nulIn(await t.app.request('/demo/boom/not%00found'))).toEqual([
      ['params.kind', expect.stringContaining('NUL')],
    ]);
    expect(await nulIn(await postJson('/demo/echo', '{"name":"a","tags":[],"x\\u0000":1}'))).toEqual([
      ['body.x\\u0000', 'has a NUL character (\\u0000) in its name'],
    ]);
  });

  it('refuses JSON nested deeper than 32 levels with 400, however deep', async () => {
    for (const depth of [40, 10_000]) {
      const deep = '{"name":"a","tags":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
      const res = await postJson('/demo/echo', deep);
      expect(res.status).toBe(400);
    }
  });

  it('answers an unknown query parameter on an API route with 400 listing the allowed ones', async () => {
    const res = await postJson('/demo/echo?limt=5', '{"name":"a"}');
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.details).toEqual([
      { path: 'query.limt', message: 'is not a parameter of this route (allowed: q, tag)' },
    ]);
    const none = await t.app.request('/demo/rows?x=1');
    expect(none.status).toBe(400);
    expect((await readJson(none)).error.details[0].message).toContain('takes no query parameters');
  });

  it('lets a page (a route left out of the API document) ignore parameters it does not read', async () => {
    const res = await t.app.request('/demo/page?utm_source=mail');
    expect(res.status).toBe(200);
  });
});

describe('request body media types', () => {
  it('answers a body in an unsupported type with 415 naming the accepted types, before the handler', async () => {
    const res = await t.app.request('/demo/echo', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"name":"ann"}',
    });
    expect(res.status).toBe(415);
    const { error } = await readJson(res);
    expect(error).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('text/plain') });
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      expect(error.message).toContain(type);
    }
  });

  it('answers a body without a content type with 415 too', async () => {
    const res = await t.app.request('/demo/optional', {
      method: 'POST',
      body: new TextEncoder().encode('{"since":5}'), // bytes: fetch adds no content type
    });
    expect(res.status).toBe(415);
    expect((await readJson(res)).error.message).toMatch(/no Content-Type/);
  });

  it('reads no body at all as {} (curl -X POST), whatever the content type', async () => {
    const noBody = await t.app.request('/demo/optional', { method: 'POST' });
    expect(noBody.status).toBe(200);
    expect(await readJson(noBody)).toEqual({ body: {} });
    const emptyText = await t.app.request('/demo/optional', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '',
    });
    expect(await readJson(emptyText)).toEqual({ body: {} });
  });

  it('reads empty form posts as {}', async () => {
    const urlencoded = await t.app.request('/demo/optional', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: '',
    });
    expect(await readJson(urlencoded)).toEqual({ body: {} });
    const multipart = await t.app.request('/demo/optional', {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new FormData(),
    });
    expect(await readJson(multipart)).toEqual({ body: {} });
  });
});

describe('form posts', () => {
  it('parses an urlencoded form into fields, arrays only where the schema has them', async () => {
    const res = await t.app.request('/demo/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=ann&name=bob&tags=a&tags=b',
    });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ body: { name: 'ann', tags: ['a', 'b'] }, wantsHtml: true });
  });

  it('parses a multipart form, a single value of an array field becoming a one-item array', async () => {
    const form = new FormData();
    form.set('name', 'cy');
    form.set('tags', 'only');
    const res = await t.app.request('/demo/echo', { method: 'POST', body: form });
    expect(await readJson(res)).toMatchObject({ body: { name: 'cy', tags: ['only'] } });
  });

  it('treats a form post that asks for JSON as an API call', async () => {
    const res = await t.app.request('/demo/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'name=ann',
    });
    expect((await readJson(res)).wantsHtml).toBe(false);
  });
});

describe('flash', () => {
  const cookie = `flash=${encodeFlash([{ type: 'success', message: 'Queued job 7' }])}`;

  it('hands the messages to the handler and clears the cookie once read', async () => {
    const res = await t.app.request('/demo/flash', { headers: { cookie } });
    expect(await readJson(res)).toEqual({ flash: [{ type: 'success', message: 'Queued job 7' }] });
    expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^flash=; .*Max-Age=0/)]);
  });

  it('leaves the cookie alone for a response that did not read it', async () => {
    const res = await t.app.request('/demo/fragment', { headers: { cookie } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('does not clear when there was no cookie', async () => {
    const res = await t.app.request('/demo/flash');
    expect(await readJson(res)).toEqual({ flash: [] });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('keeps a new flash set by the response instead of clearing it', async () => {
    const res = await t.app.request('/demo/save', { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(303);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^flash=[A-Za-z0-9_-]+; .*Max-Age=60/);
  });

  it('yields no messages for a tampered cookie', async () => {
    const res = await t.app.request('/demo/flash', { headers: { cookie: 'flash=not-base64-json' } });
    expect(await readJson(res)).toEqual({ flash: [] });
  });
});

describe('error mapping', () => {
  it('maps an AppError to its status with code and message', async () => {
    const res = await t.app.request('/demo/boom/not-found');
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ error: { code: 'NOT_FOUND', message: 'No such widget' } });
  });

  it('hides the message of a 5xx AppError but names its code and the correlation id', async () => {
    const res = await t.app.request('/demo/boom/upstream', { headers: { 'x-correlation-id': 'c-502' } });
    expect(res.status).toBe(502);
    const body = await readJson(res);
    expect(body).toEqual({
      error: { code: 'UPSTREAM_ERROR', message: 'Bad gateway', correlationId: 'c-502' },
    });
  });

  it('answers an unknown error with 500 without leaking it, and logs its stack', async () => {
    const res = await t.app.request('/demo/boom/unknown', { headers: { 'x-correlation-id': 'c-500' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL', message: 'Internal server error', correlationId: 'c-500' },
    });
    const logged = t.lines.find((l) => l.level === 50) as { err: { stack: string }; correlationId: string };
    expect(logged.correlationId).toBe('c-500');
    expect(logged.err.stack).toContain('hunter2');
  });

  it('maps a thrown non-Error to 500 too', async () => {
    const res = await t.app.request('/demo/boom/string');
    expect(res.status).toBe(500);
    expect((await readJson(res)).error.code).toBe('INTERNAL');
  });
});

describe('database and queue errors', () => {
  it('answers a database outage with 503 DB_UNAVAILABLE, hiding where the database is', async () => {
    t.db.queryError = new DbUnavailableError('Cannot connect to Postgres at db.internal:5432/app', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const res = await t.app.request('/demo/rows', { headers: { 'x-correlation-id': 'c-db' } });
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('db.internal');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'DB_UNAVAILABLE', message: 'Service unavailable', correlationId: 'c-db' },
    });
  });

  it('keeps other database errors (a misuse of the port) a 500', async () => {
    t.db.queryError = new DbError('This transaction has already ended');
    const res = await t.app.request('/demo/rows');
    expect(res.status).toBe(500);
    expect((await readJson(res)).error).toMatchObject({ code: 'DB_ERROR', message: 'Internal server error' });
  });

  it('records a job that could not be queued as failed, and answers 503', async () => {
    t.queue.failWith = new QueueUnavailableError('broker unreachable');
    const res = await t.app.request('/demo/trigger', { method: 'POST' });
    expect(res.status).toBe(503);
    expect((await readJson(res)).error.code).toBe('QUEUE_UNAVAILABLE');
    const [job] = t.jobs.byId.values();
    expect(job).toMatchObject({
      kind: 'demo_job',
      status: 'failed',
      error: 'could not be queued: broker unreachable',
      finishedAt: expect.any(String),
    });
  });
});

describe('metrics', () => {
  it('observes request duration by route pattern, never by raw URL', async () => {
    const id = '0b8f7c9e-4a4b-4c1e-9a53-3f2b1c0d9e8f';
    await t.app.request(`/jobs/${id}`);
    await t.app.request('/no/such/route');
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/jobs/:id",status="401"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).not.toContain(id);
  });

  it('samples gauges before rendering, and still answers when sampling fails', async () => {
    let calls = 0;
    const failing = await createFakeHttpApp(
      {},
      {
        beforeMetrics: async () => {
          calls++;
          throw new Error('broker down');
        },
      },
    );
    const res = await failing.app.request('/metrics');
    expect(calls).toBe(1);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(
      failing.lines.some((l) => l.level === 40 && l.msg === 'sampling metrics before a scrape failed'),
    ).toBe(true);
  });
});

describe('extra routes', () => {
  it('mounts them with the same observation and error mapping', async () => {
    const withExtra = await createFakeHttpApp(
      {},
      {
        extraRoutes: (app) =>
          app.get('/extra/:n', () => {
            throw new NotFoundError('nothing here');
          }),
      },
    );
    const res = await withExtra.app.request('/extra/1');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-correlation-id')).toMatch(UUID);
    expect(withExtra.lines.find((l) => l.msg === 'request')).toMatchObject({ route: '/extra/:n' });
  });
});
