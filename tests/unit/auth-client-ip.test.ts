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
