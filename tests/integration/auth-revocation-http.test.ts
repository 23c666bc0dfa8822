import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_CSRF_COOKIE, SESSION_COOKIE } from '../../shared/http/request-auth.ts';
import { createAuthTestApp, TestBrowser } from '../helpers/auth.ts';
import { dbBackends } from '../helpers/db.ts';
import { readJson } from '../helpers/fake-ctx.ts';

/**
 * Sessions and tokens end when what they stood for changes: a promotion, a demotion, a password
 * change (page and API) or "sign out everywhere". And a visitor who only reads the sign-in page
 * leaves nothing stored behind.
 */
describe.each(dbBackends)('revoking sessions and tokens on %s', (backend) => {
  let t: Awaited<ReturnType<typeof createAuthTestApp>>;
  beforeAll(async () => {
    t = await createAuthTestApp(backend);
  }, 60_000);
  afterAll(() => t?.close());

  const tokenFor = async (email: string, password: string) => {
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password }).toString(),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const me = (token: string) =>
    t.app.request('/api/users/me', { headers: { authorization: `Bearer ${token}` } });
  const post = (path: string, token: string, body: unknown) =>
    t.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const sessionCount = async () =>
    (await t.platform.db.query<{ n: number }>('select count(*)::int as n from auth.sessions')).rows[0]!.n;

  it('refuses a token taken before a promotion, and one taken before a demotion', async () => {
    const email = `rise-${backend}@example.com`;
    await t.platform.auth.users.register({ email, password: 'rise password' });
    const before = await tokenFor(email, 'rise password');
    expect(await readJson(await me(before))).toMatchObject({ role: 'user' });

    // `npm run migrate` (or the runner) with ADMIN_EMAIL naming the account.
    const { user: admin, outcome } = await t.platform.auth.users.ensureAdmin({
      email,
      password: 'new admin password',
    });
    expect(outcome).toBe('promoted');
    const revoked = await me(before);
    expect(revoked.status).toBe(401);
    expect((await readJson(revoked)).error.message).toMatch(/revoked/);
    const after = await tokenFor(email, 'new admin password');
    expect(await readJson(await me(after))).toMatchObject({ role: 'admin' });
    expect((await t.app.request('/queues', { headers: { authorization: `Bearer ${after}` } })).status).toBe(
      200,
    );

    // `npm run users -- role <email> user`.
    await t.platform.auth.users.setRole(admin.id, 'user');
    expect((await me(after)).status).toBe(401);
  });

  it('changes the password over the API: earlier tokens and sessions end, the answer is a working token', async () => {
    const email = `api-pw-${backend}@example.com`;
    const browser = new TestBrowser(t.app);
    await browser.register(email, 'first password');
    const earlier = await tokenFor(email, 'first password');

    const wrong = await post('/api/auth/password', earlier, {
      current_password: 'nope',
      new_password: 'second password',
    });
    expect(wrong.status).toBe(400);
    expect((await readJson(wrong)).error.details[0].path).toBe('current_password');

    const changed = await post('/api/auth/password', earlier, {
      current_password: 'first password',
      new_password: 'second password',
    });
    expect(changed.status).toBe(200);
    const fresh = ((await changed.json()) as { access_token: string }).access_token;
    expect((await me(earlier)).status).toBe(401);
    expect((await browser.request('/api/users/me', { headers: { accept: 'application/json' } })).status).toBe(
      401,
    );
    expect((await me(fresh)).status).toBe(200);
    expect((await tokenFor(email, 'second password')).length).toBeGreaterThan(20);
  });

  it('changes the password from the page: this browser stays signed in, the others and earlier tokens do not', async () => {
    const email = `page-pw-${backend}@example.com`;
    const here = new TestBrowser(t.app);
    await here.register(email, 'first password');
    const elsewhere = new TestBrowser(t.app);
    await elsewhere.signIn(email, 'first password');
    const earlier = await tokenFor(email, 'first password');

    await here.page('/auth/password');
    const mismatch = await here.postForm('/auth/password', {
      current_password: 'first password',
      new_password: 'second password',
      confirm_password: 'other password',
    });
    expect(mismatch.status).toBe(303);
    expect((await me(earlier)).status).toBe(200); // nothing changed yet

    const res = await here.postForm('/auth/password', {
      current_password: 'first password',
      new_password: 'second password',
      confirm_password: 'second password',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/password');
    const json = { headers: { accept: 'application/json' } };
    expect((await here.request('/api/users/me', json)).status).toBe(200);
    expect((await elsewhere.request('/api/users/me', json)).status).toBe(401);
    expect((await me(earlier)).status).toBe(401);
  });

  it('signs out everywhere, over the API and from the page', async () => {
    const email = `everywhere-${backend}@example.com`;
    const browser = new TestBrowser(t.app);
    await browser.register(email, 'every password');
    const token = await tokenFor(email, 'every password');
    expect((await post('/api/auth/logout-everywhere', token, {})).status).toBe(204);
    expect((await me(token)).status).toBe(401);
    expect((await browser.request('/api/users/me', { headers: { accept: 'application/json' } })).status).toBe(
      401,
    );

    const again = new TestBrowser(t.app);
    await again.signIn(email, 'every password');
    const second = await tokenFor(email, 'every password');
    await again.page('/auth/password');
    const res = await again.postForm('/auth/logout-everywhere');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/login');
    expect((await me(second)).status).toBe(401);
    expect((await again.request('/api/users/me', { headers: { accept: 'application/json' } })).status).toBe(
      401,
    );
  });

  it('stores nothing for anonymous visitors: the sign-in form carries a signed cookie token instead', async () => {
    const before = await sessionCount();
    for (let i = 0; i < 20; i++) {
      const res = await t.app.request('/auth/login', { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(`${ANONYMOUS_CSRF_COOKIE}=`))).toBe(true);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    }
    expect(await sessionCount()).toBe(before);

    const email = `anon-${backend}@example.com`;
    await t.platform.auth.users.register({ email, password: 'anon password' });
    // The form's token works with its cookie...
    const browser = new TestBrowser(t.app);
    expect((await browser.signIn(email, 'anon password')).status).toBe(303);
    expect(await sessionCount()).toBe(before + 1);
    // ...and is refused without it, or with another visitor's cookie.
    const forged = new TestBrowser(t.app);
    await forged.page('/auth/login');
    const token = forged.csrf();
    forged.cookies.delete(ANONYMOUS_CSRF_COOKIE);
    expect(
      (await forged.postForm('/auth/login', { email, password: 'anon password', _csrf: token })).status,
    ).toBe(403);
    const other = new TestBrowser(t.app);
    await other.page('/auth/login');
    expect(
      (await other.postForm('/auth/login', { email, password: 'anon password', _csrf: token })).status,
    ).toBe(403);
  });
});
