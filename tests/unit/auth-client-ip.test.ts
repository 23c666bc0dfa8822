import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIpOf } from '../../shared/http/request-auth.ts';

/** What the login throttle keys on: a client must not be able to pick its own address. */
describe('clientIpOf', () => {
  const ipWith = async (hops: number, forwardedFor?: string) => {
    const app = new Hono().get('/', (c) => c.text(clientIpOf(c, hops) ?? 'unknown'));
    const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
    return (await app.request('/', { headers })).text();
  };

  it('ignores X-Forwarded-For without trusted proxies: the client writes it', async () => {
    expect(await ipWith(0, '6.6.6.6')).toBe('unknown');
  });

  it('behind one proxy, takes the address that proxy appended, not what the client sent before it', async () => {
    expect(await ipWith(1, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ipWith(1, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('behind two proxies, the second entry from the right', async () => {
    expect(await ipWith(2, '6.6.6.6, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
  });
});

/** On Lambda the peer is the address API Gateway saw (requestContext), not anything in a header. */
describe('clientIpOf on Lambda', () => {
  const ipOn = async (hops: number, requestContext: object, forwardedFor?: string) => {
    const app = new Hono().get('/', (c) => c.text(clientIpOf(c, hops) ?? 'unknown'));
    const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
    // Hono's Lambda adapter hands the event's requestContext to the app as part of its env.
    return (await app.request('/', { headers }, { requestContext })).text();
  };

  it("takes an HTTP API or function URL event's requestContext.http.sourceIp", async () => {
    expect(await ipOn(0, { http: { sourceIp: '198.51.100.4' } }, '6.6.6.6')).toBe('198.51.100.4');
  });

  it("takes a REST API event's requestContext.identity.sourceIp", async () => {
    expect(await ipOn(0, { identity: { sourceIp: '198.51.100.5' } })).toBe('198.51.100.5');
  });

  it('does not count API Gateway as a proxy: with CloudFront in front (1 hop), the client CloudFront saw', async () => {
    // CloudFront appended the client; API Gateway appended CloudFront, its own sourceIp.
    const viaCloudFront = { http: { sourceIp: '130.176.0.9' } };
    expect(await ipOn(1, viaCloudFront, '6.6.6.6, 203.0.113.7, 130.176.0.9')).toBe('203.0.113.7');
    // A forged header cannot move the answer past what the trusted hop wrote.
    expect(await ipOn(0, viaCloudFront, '6.6.6.6, 203.0.113.7, 130.176.0.9')).toBe('130.176.0.9');
  });
});
