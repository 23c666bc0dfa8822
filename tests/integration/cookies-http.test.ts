import { afterAll, describe, expect, it } from 'vitest';
import { createAuthTestApp, TestBrowser } from '../helpers/auth.ts';

/**
 * When cookies are Secure: over https as the connection says, or as X-Forwarded-Proto says only
 * when a trusted proxy wrote it (TRUSTED_PROXY_HOPS), and always in production. Secure cookies are
 * `__Host-` prefixed, the flash cookie as much as the session's.
 */
const apps: Awaited<ReturnType<typeof createAuthTestApp>>[] = [];
afterAll(() => Promise.all(apps.map((app) => app.close())));
async function appWith(env: Record<string, string>) {
  const app = await createAuthTestApp('pglite', env);
  apps.push(app);
  return app.app;
}

/** The login page sets the signed cookie of its form's CSRF token: its Set-Cookie. */
async function sessionCookieOf(app: Awaited<ReturnType<typeof appWith>>, url: string, headers = {}) {
  const res = await app.request(url, { headers: { accept: 'text/html', ...headers } });
  return res.headers.getSetCookie().find((cookie) => /^(__Host-)?csrf=/.test(cookie));
}

/** A redirect that leaves a flash message, and the page that shows and clears it. */
async function flashCookiesOf(app: Awaited<ReturnType<typeof appWith>>, base: string) {
  const redirect = await app.request(`${base}/auth/logout`, {
    method: 'POST',
    headers: { accept: 'text/html' },
  });
  const set = redirect.headers.getSetCookie().find((cookie) => /flash=/.test(cookie));
  const value = /flash=([^;]*)/.exec(set ?? '')?.[1] ?? '';
  const name = set?.startsWith('__Host-') ? '__Host-flash' : 'flash';
  const page = await app.request(`${base}/gradcafe/`, {
    headers: { accept: 'text/html', cookie: `${name}=${value}` },
  });
  const cleared = page.headers.getSetCookie().find((cookie) => /flash=/.test(cookie));
  return { set, cleared };
}

describe('cookies', () => {
  it('ignores X-Forwarded-Proto without a trusted proxy: the client wrote it', async () => {
    const app = await appWith({ TRUSTED_PROXY_HOPS: '0' });
    const cookie = await sessionCookieOf(app, 'http://localhost/auth/login', {
      'x-forwarded-proto': 'https',
    });
    expect(cookie).toMatch(/^csrf=/);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('believes X-Forwarded-Proto from a trusted proxy: Secure and __Host- prefixed', async () => {
    const app = await appWith({ TRUSTED_PROXY_HOPS: '1' });
    const cookie = await sessionCookieOf(app, 'http://localhost/auth/login', {
      'x-forwarded-proto': 'https',
    });
    expect(cookie).toMatch(/^__Host-csrf=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('are Secure over an https connection', async () => {
    const app = await appWith({});
    expect(await sessionCookieOf(app, 'https://app.example.com/auth/login')).toMatch(
      /^__Host-csrf=.*; Secure/i,
    );
  });

  it('are Secure in production even over http, the flash cookie too, and clearing repeats its attributes', async () => {
    const app = await appWith({ NODE_ENV: 'production' });
    expect(await sessionCookieOf(app, 'http://localhost/auth/login')).toMatch(/^__Host-csrf=.*; Secure/i);
    const { set, cleared } = await flashCookiesOf(app, 'http://localhost');
    expect(set).toMatch(/^__Host-flash=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60; Secure$/);
    expect(cleared).toBe('__Host-flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });

  it('name the session cookie __Host-sid, Secure, in production, and read it back under that name', async () => {
    const t = await createAuthTestApp('pglite', { NODE_ENV: 'production' });
    apps.push(t);
    await t.platform.auth.users.register({ email: 'prod@example.com', password: 'prod password' });
    const browser = new TestBrowser(t.app);
    const signedIn = await browser.signIn('prod@example.com', 'prod password');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.getSetCookie().find((c) => c.includes('sid='))).toMatch(
      /^__Host-sid=.*; Secure/i,
    );
    const me = await browser.request('/api/users/me', { headers: { accept: 'application/json' } });
    expect(me.status).toBe(200);
  });

  it('stay plain over http in development, where browsers would refuse a Secure cookie', async () => {
    const app = await appWith({});
    const { set, cleared } = await flashCookiesOf(app, 'http://localhost');
    expect(set).toMatch(/^flash=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/);
    expect(cleared).toBe('flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
  });
});
