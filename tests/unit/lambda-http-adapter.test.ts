import type { Context } from 'aws-lambda';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { HttpEnv } from '../../shared/http/env.ts';
import { clientIpOf } from '../../shared/http/request-auth.ts';
import { honoLambda } from '../../shared/lambda/hono.ts';
import type { HttpEvent, HttpResult } from '../../shared/lambda/types.ts';
import { functionUrlEvent, httpEvent, restApiEvent } from '../../scripts/lambda/events.ts';

/**
 * The HTTP adapter in this process, around a small app, with events of AWS's published shapes:
 * what Hono's Lambda adapter makes of an event before our app sees it, and of the answer after.
 * (tests/lambda/http-bundles.test.ts compares whole bundles with the runner.)
 */
function adapterOf(trustedHops = 0) {
  const app = new Hono<HttpEnv>()
    .get('/notes', (c) => c.json({ ok: true }))
    .post('/notes', async (c) => c.text(await c.req.text()))
    .get('/notes/', (c) => c.redirect('/auth/login?next=%2Fnotes%2F', 303))
    .get('/away', (c) => c.redirect('https://example.com/elsewhere', 302))
    .get('/ip', (c) => c.text(clientIpOf(c, trustedHops) ?? 'unknown'));
  const handler = honoLambda(() => app);
  let invocations = 0;
  return (event: HttpEvent) =>
    handler(event, {
      awsRequestId: `req-${++invocations}`,
      getRemainingTimeInMillis: () => 29_000,
    } as Context);
}

/** A header of an answer: REST API (v1) answers carry theirs in `multiValueHeaders`. */
function headerOf(result: HttpResult, name: string): string | undefined {
  const multi = (result as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders ?? {};
  const all = {
    ...result.headers,
    ...Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.join(', ')])),
  };
  const found = Object.entries(all).find(([key]) => key.toLowerCase() === name);
  return found === undefined ? undefined : String(found[1]);
}

describe('the Lambda HTTP adapter', () => {
  it('serves a GET or HEAD event that carries a body (API Gateway forwards one) as a server would: without it', async () => {
    const handle = adapterOf();
    const events = [
      httpEvent({ method: 'GET', path: '/notes', body: '{"ignored":true}' }),
      restApiEvent({ method: 'GET', path: '/notes', body: 'ignored' }),
      functionUrlEvent({ method: 'HEAD', path: '/notes', body: new Uint8Array([1, 2, 3]) }),
    ];
    for (const event of events) {
      const result = await handle(event);
      expect(result.statusCode, JSON.stringify(result)).toBe(200);
    }
    // Other methods keep their bodies.
    const posted = await handle(httpEvent({ method: 'POST', path: '/notes', body: 'kept' }));
    expect(posted.body).toBe('kept');
  });

  it("puts a REST API stage (or a custom domain's base path) in front of the app's own redirects", async () => {
    const handle = adapterOf();
    const viaStage = restApiEvent({ method: 'GET', path: '/notes/', stage: 'prod' });
    expect(headerOf(await handle(viaStage), 'location')).toBe('/prod/auth/login?next=%2Fnotes%2F');

    // A custom domain mapping `/api` to the API: requestContext.path is what the client asked for.
    const mapped = { ...viaStage, requestContext: { ...viaStage.requestContext, path: '/api/notes/' } };
    expect(headerOf(await handle(mapped), 'location')).toBe('/api/auth/login?next=%2Fnotes%2F');

    // A redirect out of the app is left alone, and HTTP API events have no prefix to restore.
    const away = restApiEvent({ method: 'GET', path: '/away', stage: 'prod' });
    expect(headerOf(await handle(away), 'location')).toBe('https://example.com/elsewhere');
    const viaHttpApi = await handle(httpEvent({ method: 'GET', path: '/notes/' }));
    expect(headerOf(viaHttpApi, 'location')).toBe('/auth/login?next=%2Fnotes%2F');
  });

  it("gives the app API Gateway's own view of the caller, whatever X-Forwarded-For says", async () => {
    const handle = adapterOf();
    const forged = { method: 'GET', path: '/ip', headers: { 'x-forwarded-for': '6.6.6.6' } };
    expect((await handle(httpEvent({ ...forged, sourceIp: '198.51.100.4' }))).body).toBe('198.51.100.4');
    expect((await handle(functionUrlEvent({ ...forged, sourceIp: '198.51.100.5' }))).body).toBe(
      '198.51.100.5',
    );
    expect((await handle(restApiEvent({ ...forged, sourceIp: '198.51.100.6' }))).body).toBe('198.51.100.6');
  });

  it('counts only proxies in front of API Gateway (CloudFront: one hop)', async () => {
    const handle = adapterOf(1);
    // CloudFront appended the client it saw; API Gateway then appended CloudFront, its sourceIp.
    const event = httpEvent({
      method: 'GET',
      path: '/ip',
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' },
      sourceIp: '130.176.0.9',
    });
    expect((await handle(event)).body).toBe('203.0.113.7');
  });
});
