import { createAuthServices } from '../../shared/auth/services.ts';
import type { ScryptParams } from '../../shared/auth/passwords.ts';
import { loadConfig } from '../../shared/config.ts';
import { createHttpApp, type HttpApp } from '../../shared/http/app.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import { loadManifest, topologyOf } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import { createTestDb, type DbBackend } from './db.ts';
import { testLog } from './platform.ts';

/** Cheap scrypt parameters, so tests can register and sign in often (production uses OWASP's). */
export const FAST_PASSWORDS: ScryptParams = { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 };

export const ORIGIN = 'http://localhost';
/** The JWT secret of createAuthTestApp, so tests can mint tokens of their own. */
export const TEST_JWT_SECRET = 'auth-test-jwt-secret-0123456789abcdef';

/**
 * The real manifest on a fresh database (migrated), the memory queue and the real auth, as the
 * runner wires them: for end-to-end tests of pages, sessions, CSRF and tokens.
 */
export async function createAuthTestApp(
  backend: DbBackend,
  env: Record<string, string> = {},
): Promise<{ app: HttpApp; platform: Platform; close(): Promise<void> }> {
  const testDb = await createTestDb(backend);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOGIN_MAX_FAILURES: '3',
    JWT_SECRET: TEST_JWT_SECRET,
    SESSION_SECRET: 'auth-test-session-secret-0123456789abcdef',
    ...env,
  });
  const manifest = await loadManifest();
  const driver = createMemoryDriver({ log: testLog });
  await driver.declare(topologyOf(manifest));
  const auth = createAuthServices({ db: testDb.db, config, passwordParams: FAST_PASSWORDS });
  const platform = createPlatform({ config, log: testLog, db: testDb.db, driver, manifest, auth });
  const app = createHttpApp({
    manifest,
    makeCtx: platform.httpCtx,
    log: testLog,
    metrics: platform.metrics,
    auth,
    config,
  });
  return {
    app,
    platform,
    async close() {
      await driver.close();
      await platform.cache.close();
      await testDb.drop();
    },
  };
}

/**
 * A browser in front of an app: keeps cookies (Set-Cookie in, Cookie out), sends an Origin with
 * unsafe methods as browsers do, and finds the CSRF token in the last page it loaded.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  lastHtml = '';

  constructor(
    private readonly app: HttpApp,
    private readonly origin: string = ORIGIN,
  ) {}

  async request(
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && !('origin' in headers)) headers.origin = this.origin;
    const res = await this.app.request(path, { ...init, method, headers });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      const gone = attributes.some((a) => a.trim().toLowerCase() === 'max-age=0');
      if (gone) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    if ((res.headers.get('content-type') ?? '').startsWith('text/html'))
      this.lastHtml = await res.clone().text();
    return res;
  }

  /** GET a page and return it as text. */
  async page(path: string): Promise<string> {
    const res = await this.request(path);
    return res.text();
  }

  /** The CSRF token in the last page's forms. */
  csrf(): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml)?.[1];
    if (!token) throw new Error('no CSRF token on the last page');
    return token;
  }

  /** POST (or `method`) a form, with the page's CSRF token unless `_csrf` is given (or null: none). */
  postForm(
    path: string,
    fields: Record<string, string | null> = {},
    headers: Record<string, string> = {},
    method = 'POST',
  ) {
    const body = new URLSearchParams();
    const token = '_csrf' in fields ? fields._csrf : this.csrf();
    for (const [name, value] of Object.entries({ ...fields, _csrf: token })) {
      if (value !== null && value !== undefined) body.set(name, value);
    }
    return this.request(path, {
      method,
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Register through the pages (and so sign in). */
  async register(email: string, password: string): Promise<Response> {
    await this.page('/auth/register');
    return this.postForm('/auth/register', { email, password });
  }

  async signIn(email: string, password: string): Promise<Response> {
    await this.page('/auth/login');
    return this.postForm('/auth/login', { email, password });
  }
}
