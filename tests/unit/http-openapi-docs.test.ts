import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { buildOpenApi, TOKEN_URL, toOpenApiPath, type OpenApiDocument } from '../../shared/http/openapi.ts';
import { buildManifest, loadManifest } from '../../shared/runtime/manifest.ts';
import { createFakeHttpApp, platformModules, readJson } from '../helpers/fake-ctx.ts';

const page = defineHttp({
  method: 'GET',
  path: '/',
  auth: 'public',
  summary: 'A page',
  hidden: true,
  handler: () => json({}),
});

const search = defineHttp({
  method: 'GET',
  path: '/items/:year',
  auth: 'public',
  summary: 'Search items',
  query: z.object({
    q: z.string().describe('Text to find'),
    limit: z.coerce.number().int().max(50).default(10),
  }),
  responses: { 200: { description: 'Rendered list', contentType: 'text/html' } },
  handler: () => json({}),
});

describe('buildOpenApi', () => {
  let doc: OpenApiDocument;
  beforeAll(async () => {
    const manifest = buildManifest([
      ...(await platformModules()),
      { file: 'functions/demo/page.ts', module: { default: page } },
      { file: 'functions/demo/search.ts', module: { default: search } },
    ]);
    doc = buildOpenApi(manifest, { title: 'fnstack', version: '1.2.3' });
  });

  it('is an OpenAPI 3.1 document with one tag per app', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'fnstack', version: '1.2.3' });
    expect(doc.tags).toEqual([{ name: 'demo' }, { name: 'platform' }]);
  });

  it('converts path params to {name} and declares them', () => {
    const op = doc.paths['/jobs/{id}']?.get;
    expect(op).toMatchObject({ operationId: 'platform-get-job', summary: 'Get a job', tags: ['platform'] });
    expect(op?.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ]);
    expect(Object.keys(op!.responses).sort()).toEqual(['200', '400', '401', '404']);
    expect(op!.responses['200']!.content!['application/json']!.schema).toMatchObject({
      type: 'object',
      properties: expect.objectContaining({ status: expect.objectContaining({ enum: expect.any(Array) }) }),
    });
  });

  it('declares query parameters with required flags, defaults and descriptions', () => {
    const params = doc.paths['/queues/{queue}/dead-letters']?.get?.parameters;
    expect(params).toContainEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    });
    const searchParams = doc.paths['/demo/items/{year}']?.get?.parameters;
    expect(searchParams?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['year', 'path', true],
      ['q', 'query', true],
      ['limit', 'query', false],
    ]);
    expect(searchParams?.[1]?.description).toBe('Text to find');
  });

  it('describes request bodies as JSON and form', () => {
    const body = doc.paths['/queues/{queue}/dead-letters/replay']?.post?.requestBody;
    expect(body?.required).toBe(false);
    expect(Object.keys(body!.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(body!.content['application/json']!.schema).toMatchObject({
      type: 'object',
      properties: { ids: { type: 'array' }, limit: { type: 'integer', maximum: 1000 } },
    });
  });

  it('uses declared content types and leaves hidden routes out', () => {
    expect(doc.paths['/demo/items/{year}']?.get?.responses['200']).toEqual({
      description: 'Rendered list',
      content: { 'text/html': {} },
    });
    expect(doc.paths['/demo/']).toBeUndefined();
  });

  it('declares how to authenticate, and which operations need it (so /docs can Authorize and call them)', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      password: { type: 'oauth2', flows: { password: { tokenUrl: TOKEN_URL } } },
    });
    const getJob = doc.paths['/jobs/{id}']!.get!;
    expect(getJob.security).toEqual([{ bearer: [] }, { password: [] }]);
    expect(getJob.responses['401']).toBeDefined();
    const queues = doc.paths['/queues']!.get!;
    expect(queues.description).toContain('Needs an admin.');
    expect(queues.responses['403']).toBeDefined();
    expect(doc.paths['/healthz']!.get!.security).toBeUndefined();
  });

  it('defaults to a 200 response', () => {
    expect(doc.paths['/queues']?.get?.responses['200']?.description).toBeTruthy();
  });
});

describe('toOpenApiPath', () => {
  it.each([
    ['/jobs/:id', '/jobs/{id}'],
    ['/a/:x/b/:y', '/a/{x}/b/{y}'],
    ['/p/:id{[0-9]+}', '/p/{id}'],
    ['/p/:code{[a-z]{2}}/x', '/p/{code}/x'],
    ['/lang/:lang?', '/lang/{lang}'],
    ['/plain', '/plain'],
  ])('%s → %s', (hono, openapi) => {
    expect(toOpenApiPath(hono)).toBe(openapi);
  });
});

describe('docs and static routes', () => {
  let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
  beforeAll(async () => {
    t = await createFakeHttpApp();
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await readJson(res)) as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/readyz',
        '/jobs/{id}',
        '/queues',
        '/queues/{queue}/dead-letters',
      ]),
    );
  });

  it('offers the password flow at a token URL that really issues tokens', async () => {
    const whole = buildOpenApi(await loadManifest(), { title: 'fnstack', version: '1' });
    expect(whole.paths[TOKEN_URL]?.post?.operationId).toBe('platform-api-auth-login');
  });

  it('serves a Swagger UI page that loads only local assets', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(sources.every((s) => s!.startsWith('/docs/assets/'))).toBe(true);
  });

  it('serves the Swagger UI bundle and an initializer pointing at /openapi.json', async () => {
    const bundle = await t.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect(await bundle.text()).toContain('SwaggerUIBundle');
    const init = await (await t.app.request('/docs/assets/swagger-initializer.js')).text();
    expect(init).toContain('"url":"/openapi.json"');
  });

  it('does not serve package files outside the allow-list', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/..%2Fpackage.json',
      '/docs/assets/index.html',
    ]) {
      expect((await t.app.request(path)).status).toBe(404);
    }
  });

  it('serves htmx with long cache headers and answers a matching ETag with 304', async () => {
    const res = await t.app.request('/static/htmx.min.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('max-age=31536000');
    expect(await res.text()).toContain('htmx');
    const again = await t.app.request('/static/htmx.min.js', {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });
});
