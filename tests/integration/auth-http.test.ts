import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../helpers/db.ts';
import { readJson } from '../helpers/fake-ctx.ts';
import { createAuthTestApp, ORIGIN, TEST_JWT_SECRET, TestBrowser } from '../helpers/auth.ts';
import { decodeFlash, FLASH_COOKIE } from '../../shared/http/flash.ts';
import { SESSION_COOKIE } from '../../shared/http/request-auth.ts';
import { mountPath } from '../../shared/runtime/manifest.ts';

/**
 * Platform auth end to end through the HTTP layer, on a real database: pages with sessions and
 * CSRF, the JWT API, access rules, throttling. (Notes app flows have their own tests.)
 */
describe.each(dbBackends)('auth over HTTP on %s', (backend) => {
  let t: Awaited<ReturnType<typeof createAuthTestApp>>;
  const PASSWORD = 'correct horse battery';

  beforeAll(async () => {
    t = await createAuthTestApp(backend);
  }, 60_000);
  afterAll(() => t?.close());

  const flashOf = (res: Response) =>
    decodeFlash(new RegExp(`${FLASH_COOKIE}=([^;]*)`).exec(res.headers.getSetCookie().join(';'))?.[1]);

  async function apiToken(email: string, password = PASSWORD): Promise<Response> {
    return t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password }).toString(),
    });
  }

  describe('pages: register, sign in, sign out', () => {
    it('registers through the page, signs in with a session, and answers /api/users/me', async () => {
      const browser = new TestBrowser(t.app);
      const res = await browser.register(`ann-${backend}@example.com`, PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/notes/');
      expect(flashOf(res)).toEqual([{ type: 'success', message: `Welcome, ann-${backend}@example.com.` }]);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).not.toMatch(/Secure/); // plain http here; https gets Secure (below)

      const me = await browser.request('/api/users/me', { headers: { accept: 'application/json' } });
      expect(await readJson(me)).toMatchObject({ email: `ann-${backend}@example.com`, role: 'user' });
    });

    it('ignores a role in the registration form: every account starts as a user', async () => {
      const browser = new TestBrowser(t.app);
      await browser.page('/auth/register');
      await browser.postForm('/auth/register', {
        email: `eve-${backend}@example.com`,
        password: PASSWORD,
        role: 'admin',
      });
      const me = await browser.request('/api/users/me', { headers: { accept: 'application/json' } });
      expect((await readJson(me)).role).toBe('user');
    });

    it('gives a new session id at sign-in: the id planted before (fixation) is refused after', async () => {
      await new TestBrowser(t.app).register(`fix-${backend}@example.com`, PASSWORD);
      const victim = new TestBrowser(t.app);
      await victim.page('/auth/login'); // an anonymous session, e.g. planted by an attacker
      const planted = victim.cookies.get(SESSION_COOKIE)!;
      await victim.postForm('/auth/login', { email: `fix-${backend}@example.com`, password: PASSWORD });
      expect(victim.cookies.get(SESSION_COOKIE)).not.toBe(planted);

      const attacker = new TestBrowser(t.app);
      attacker.cookies.set(SESSION_COOKIE, planted);
      const res = await attacker.request('/api/users/me', { headers: { accept: 'application/json' } });
      expect(res.status).toBe(401);
    });

    it('ends the session at sign-out: the old cookie no longer signs anyone in', async () => {
      const browser = new TestBrowser(t.app);
      await browser.register(`out-${backend}@example.com`, PASSWORD);
      const session = browser.cookies.get(SESSION_COOKIE)!;
      await browser.page('/gradcafe/'); // a page with the sign-out form
      const res = await browser.postForm('/auth/logout');
      expect(res.headers.get('location')).toBe('/auth/login');
      expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);

      const replay = new TestBrowser(t.app);
      replay.cookies.set(SESSION_COOKIE, session);
      expect(
        (await replay.request('/api/users/me', { headers: { accept: 'application/json' } })).status,
      ).toBe(401);
    });

    it('signs out and back in to the page signed out from (switching accounts), never off-site', async () => {
      const browser = new TestBrowser(t.app);
      await browser.register(`switch-${backend}@example.com`, PASSWORD);
      const gradcafe = await browser.page('/gradcafe/?job=00000000-0000-4000-8000-000000000001');
      expect(gradcafe).toContain('name="next" value="/gradcafe/?job=00000000-0000-4000-8000-000000000001"'); // the header's sign-out form
      const out = await browser.postForm('/auth/logout', {
        next: '/gradcafe/?job=00000000-0000-4000-8000-000000000001',
      });
      expect(out.headers.get('location')).toBe(
        `/auth/login?next=${encodeURIComponent('/gradcafe/?job=00000000-0000-4000-8000-000000000001')}`,
      );

      // A visitor's header link signs in and comes back the same way.
      const visitorPage = await browser.page('/gradcafe/');
      expect(visitorPage).toContain(
        `href="/auth/login?next=${encodeURIComponent('/gradcafe/')}">Sign in</a>`,
      );
      await browser.page(
        `/auth/login?next=${encodeURIComponent('/gradcafe/?job=00000000-0000-4000-8000-000000000001')}`,
      );
      const back = await browser.postForm('/auth/login', {
        email: `switch-${backend}@example.com`,
        password: PASSWORD,
        next: '/gradcafe/?job=00000000-0000-4000-8000-000000000001',
      });
      expect(back.headers.get('location')).toBe('/gradcafe/?job=00000000-0000-4000-8000-000000000001');

      await browser.page('/gradcafe/');
      const offSite = await browser.postForm('/auth/logout', { next: '//evil.example/' });
      expect(offSite.headers.get('location')).toBe('/auth/login');
    });

    it('fails a wrong password and an unknown email the same way, showing the form again with the email kept', async () => {
      await new TestBrowser(t.app).register(`same-${backend}@example.com`, PASSWORD);
      const answers = [];
      for (const email of [`same-${backend}@example.com`, `nobody-${backend}@example.com`]) {
        const browser = new TestBrowser(t.app);
        const res = await browser.signIn(email, 'wrong password!');
        const page = await res.text();
        expect(page).toContain(`value="${email}"`); // kept in the form...
        expect(res.headers.get('location')).toBeNull(); // ...not in a URL
        answers.push({ status: res.status, message: /Invalid email or password\./.test(page) });
      }
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0]).toEqual({ status: 401, message: true });
    });

    it('sends a signed-in user away from an admin page without a redirect loop', async () => {
      const browser = new TestBrowser(t.app);
      await browser.register(`loop-${backend}@example.com`, PASSWORD);
      const refused = await browser.request('/notes/api/stats');
      expect(refused.status).toBe(303);
      expect(refused.headers.get('location')).toBe('/auth/login'); // no `next` back to the same page
      const login = await browser.request('/auth/login');
      expect(login.headers.get('location')).toBe('/notes/');
    });

    it('ignores a `next` that is not a plain local path', async () => {
      const browser = new TestBrowser(t.app);
      await browser.register(`next-${backend}@example.com`, PASSWORD);
      for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', '/日本', '/a\tb']) {
        const res = await browser.request(`/auth/login?next=${encodeURIComponent(next)}`);
        expect({ next, status: res.status, location: res.headers.get('location') }).toEqual({
          next,
          status: 303,
          location: '/notes/',
        });
      }
    });

    it('refuses an oversized body on a route without a body schema before reading it', async () => {
      const browser = new TestBrowser(t.app);
      await browser.register(`big-${backend}@example.com`, PASSWORD);
      await browser.page('/auth/password');
      const res = await browser.postForm(
        '/auth/logout-everywhere',
        { filler: 'x'.repeat(2 * 1024 * 1024) },
        { accept: 'application/json' },
      );
      expect(res.status).toBe(413);
    });

    it('sends a visitor to the sign-in page from a page that needs an account, and back after', async () => {
      const browser = new TestBrowser(t.app);
      const res = await browser.request('/api/users/me'); // accept: text/html, as a browser
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/auth/login?next=${encodeURIComponent('/api/users/me')}`);
    });
  });

  describe('CSRF', () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      // An admin, so admin-only routes get as far as the CSRF check rather than a 403 for the role.
      await t.platform.auth.users.ensureAdmin({ email: `csrf-${backend}@example.com`, password: PASSWORD });
      browser = new TestBrowser(t.app);
      await browser.signIn(`csrf-${backend}@example.com`, PASSWORD);
      await browser.page('/gradcafe/');
    });

    /** Every state-changing route a session cookie can reach, except the token endpoint (csrf: false). */
    const unsafeRoutes = () =>
      t.platform.manifest.http
        .filter((e) => e.definition.method !== 'GET' && e.definition.csrf !== false)
        .map((e) => ({
          method: e.definition.method,
          path: mountPath(e).replace(/:(\w+)/g, (_, name: string) =>
            name === 'queue' ? 'gradcafe.scrape-new-data' : '00000000-0000-4000-8000-000000000000',
          ),
        }));

    it('tells a JSON call that only a session cookie signed in what it lacks: a bearer token', async () => {
      const res = await browser.request('/notes/api/tasks', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'from the docs page' }),
      });
      expect(res.status).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/send a bearer token \(Authorize on \/docs/);
    });

    it('refuses every state-changing route without the token, with another session’s token, or from another origin', async () => {
      const other = new TestBrowser(t.app);
      await other.page('/auth/login');
      const foreign = other.csrf();
      const routes = unsafeRoutes();
      expect(routes.length).toBeGreaterThan(5);
      for (const { method, path } of routes) {
        const json = { accept: 'application/json' };
        const missing = await browser.postForm(path, { _csrf: null }, json, method);
        const stolen = await browser.postForm(path, { _csrf: foreign }, json, method);
        const crossSite = await browser.postForm(
          path,
          {},
          { ...json, origin: 'https://evil.example' },
          method,
        );
        for (const [how, res] of [
          ['missing', missing],
          ['foreign', stolen],
          ['cross-origin', crossSite],
        ] as const) {
          // The CSRF check's own refusal, not an access rule's.
          const message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? '';
          const csrf = (how === 'cross-origin' ? /cross-origin/ : /CSRF token/).test(message);
          expect({ path, how, status: res.status, csrf }).toEqual({ path, how, status: 403, csrf: true });
        }
      }
    });

    it('accepts the page’s token as a form field and as the htmx header', async () => {
      const viaField = await browser.postForm('/auth/logout', {}, { accept: 'application/json' });
      expect(viaField.status).toBe(303);
      const again = new TestBrowser(t.app);
      await again.register(`hx-${backend}@example.com`, PASSWORD);
      await again.page('/gradcafe/');
      const viaHeader = await again.request('/auth/logout', {
        method: 'POST',
        headers: { 'x-csrf-token': again.csrf(), 'hx-request': 'true' },
      });
      expect(viaHeader.status).toBe(303);
    });

    it('refuses a form post without any session (a forged or stale login form)', async () => {
      const res = await new TestBrowser(t.app).postForm(
        '/auth/login',
        { _csrf: 'made-up', email: `csrf-${backend}@example.com`, password: PASSWORD },
        { accept: 'application/json' },
      );
      expect(res.status).toBe(403);
    });
  });

  describe('API tokens', () => {
    beforeAll(async () => {
      await new TestBrowser(t.app).register(`api-${backend}@example.com`, PASSWORD);
    });

    it('issues a bearer token by the OAuth2 password flow, which /api/users/me accepts', async () => {
      const res = await apiToken(`api-${backend}@example.com`);
      expect(res.status).toBe(200);
      const token = await readJson(res);
      expect(token).toMatchObject({
        token_type: 'bearer',
        expires_in: 900,
        access_token: expect.any(String),
      });
      const me = await t.app.request('/api/users/me', {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      expect(await readJson(me)).toMatchObject({ email: `api-${backend}@example.com`, role: 'user' });
    });

    it('refuses tampered, expired, alg:none, wrong-audience and foreign-key tokens with 401', async () => {
      const { access_token: good } = await readJson(await apiToken(`api-${backend}@example.com`));
      const [header, payload, signature] = good.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const secret = new TextEncoder().encode(TEST_JWT_SECRET);
      const sign = (extra: Record<string, unknown>, key = secret) =>
        new SignJWT({ ...claims, ...extra }).setProtectedHeader({ alg: 'HS256' }).sign(key);
      const bad = {
        tampered: `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
        algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
        expired: await sign({ exp: Math.floor(Date.now() / 1000) - 60 }),
        wrongAudience: await sign({ aud: 'someone-else' }),
        wrongIssuer: await sign({ iss: 'someone-else' }),
        otherKey: await sign({}, new TextEncoder().encode('another-secret-of-thirty-two-bytes!!')),
      };
      for (const [name, token] of Object.entries(bad)) {
        const res = await t.app.request('/api/users/me', { headers: { authorization: `Bearer ${token}` } });
        expect({ name, status: res.status }).toEqual({ name, status: 401 });
      }
    });

    it('slows guessing at an account down: beyond the limit, 429 with a Retry-After of seconds, not minutes', async () => {
      // No client address here (no socket, no trusted proxy): only the account-wide rule applies,
      // twice LOGIN_MAX_FAILURES (3) failures, then one try per LOGIN_SLOWDOWN_S.
      const email = `guess-${backend}@example.com`;
      await new TestBrowser(t.app).register(email, PASSWORD);
      for (let i = 0; i < 6; i++) expect((await apiToken(email, `wrong-${i}-password`)).status).toBe(401);
      const refused = await apiToken(email);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    });

    it('throttles guesses sent all at once: no more than the limit get to try a password', async () => {
      const email = `burst-${backend}@example.com`;
      await new TestBrowser(t.app).register(email, PASSWORD);
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          apiToken(email, `wrong-${i}-password`).then((res) => res.status),
        ),
      );
      const tried = answers.filter((status) => status === 401).length;
      expect(tried).toBeLessThanOrEqual(6); // the account rule: twice LOGIN_MAX_FAILURES of the test app
      expect(answers.filter((status) => status === 429).length).toBe(15 - tried);
    });

    it('stores SQL-looking input as text and changes nothing else', async () => {
      const email = `o'brien--${backend}@example.com`;
      const res = await t.app.request('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email, password: "'); drop table auth.users;--", role: 'admin', id: 'x' }),
      });
      expect(res.status).toBe(201);
      expect(await readJson(res)).toMatchObject({ email, role: 'user' });
      expect((await apiToken(email, "'); drop table auth.users;--")).status).toBe(200);
    });
  });

  describe('access rules on the existing apps', () => {
    it('lets an admin (not a user) trigger GradCafe jobs from the page, with CSRF', async () => {
      const admin = new TestBrowser(t.app);
      await t.platform.auth.users.ensureAdmin({ email: `root-${backend}@example.com`, password: PASSWORD });
      await admin.signIn(`root-${backend}@example.com`, PASSWORD);
      const page = await admin.page('/gradcafe/');
      expect(page).toContain('action="/gradcafe/pull-data"');
      const res = await admin.postForm('/gradcafe/pull-data');
      expect(res.status).toBe(303);
      expect(flashOf(res)[0]?.type).toBe('success');

      const user = new TestBrowser(t.app);
      await user.register(`plain-${backend}@example.com`, PASSWORD);
      expect(await user.page('/gradcafe/')).not.toContain('action="/gradcafe/pull-data"');
      const refused = await user.postForm('/gradcafe/pull-data', {}, {});
      expect(refused.status).toBe(303);
      expect(refused.headers.get('location')).toBe('/auth/login');
    });
  });
});

describe('the token endpoint and sign-up under abuse', () => {
  let t: Awaited<ReturnType<typeof createAuthTestApp>>;
  beforeAll(async () => {
    // One trusted proxy, so each test client can have its own address in X-Forwarded-For.
    t = await createAuthTestApp('pglite', { TRUSTED_PROXY_HOPS: '1', SIGNUP_MAX_PER_CLIENT: '2' });
    await t.platform.auth.users.register({ email: 'api@example.com', password: 'api password' });
  }, 60_000);
  afterAll(() => t?.close());

  const tokenRequest = (headers: Record<string, string>) =>
    t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ username: 'api@example.com', password: 'api password' }).toString(),
    });

  it('refuses a cross-site browser form post to the token endpoint, and serves other clients', async () => {
    const fromElsewhere = await tokenRequest({
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(fromElsewhere.status).toBe(403);
    expect((await tokenRequest({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await tokenRequest({ origin: 'null' })).status).toBe(403);
    // curl, a server, a mobile app: no Origin, no Sec-Fetch-Site.
    expect((await tokenRequest({})).status).toBe(200);
    // Our own pages.
    expect((await tokenRequest({ origin: ORIGIN, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('throttles sign-ups per client address: 429 with Retry-After', async () => {
    const signUp = (email: string, client: string) =>
      t.app.request('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ email, password: 'long enough' }),
      });
    expect((await signUp('s1@example.com', '198.51.100.20')).status).toBe(201);
    expect((await signUp('s1@example.com', '198.51.100.20')).status).toBe(409);
    const refused = await signUp('s2@example.com', '198.51.100.20');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect((await signUp('s2@example.com', '198.51.100.21')).status).toBe(201);
  });
});
