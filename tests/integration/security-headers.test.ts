import { createHash, randomUUID } from 'node:crypto';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertJobs } from '../../shared/runtime/jobs.ts';
import { mountPath, queueName } from '../../shared/runtime/manifest.ts';
import { createAuthTestApp, TestBrowser } from '../helpers/auth.ts';
import { registerImport } from '../../functions/imports/lib/imports-store.ts';

/**
 * Every page the platform and its apps render, loaded as a signed-in admin would load it, and
 * checked against the Content-Security-Policy it was sent with: nothing the page needs may be
 * something the policy blocks (an inline script, an unhashed style, an event handler attribute,
 * an `hx-on` that htmx would have to eval, a script or stylesheet from elsewhere), and every
 * script and stylesheet it names is served. Plus the other headers every answer carries.
 */
type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];

let t: Awaited<ReturnType<typeof createAuthTestApp>>;
let admin: TestBrowser;
let taskId: string;
let importId: string;
let productId: string;
let jobId: string;

beforeAll(async () => {
  t = await createAuthTestApp('pglite');
  await t.platform.auth.users.ensureAdmin({ email: 'csp@example.com', password: 'csp-admin-password' });
  admin = new TestBrowser(t.app);
  expect((await admin.signIn('csp@example.com', 'csp-admin-password')).status).toBe(303);
  await admin.page('/notes/'); // the signed-in session's CSRF token
  const created = await admin.postForm('/notes/items', { title: 'a task for the pages' });
  expect(created.status).toBe(303);
  const { rows } = await t.platform.db.query<{ id: string }>('select id from notes.tasks limit 1');
  taskId = rows[0]!.id;
  const { import: imported } = await registerImport(t.platform.db, {
    fileName: 'items.csv',
    source: 'upload',
    objectKey: 'x/items.csv',
    checksum: 'a'.repeat(64),
    sizeBytes: 10,
  });
  importId = imported.id;
  // A product, through the admin page's own form.
  expect(
    (await admin.postForm('/catalog-admin/products', { title: 'A lamp', image: 'https://example.com/l.png' }))
      .status,
  ).toBe(303);
  const product = await t.platform.db.query<{ id: number }>('select id from catalog_admin.products limit 1');
  productId = String(product.rows[0]!.id);
  // A job, for the console's job page.
  jobId = randomUUID();
  await insertJobs(t.platform.db, [
    { id: jobId, kind: 'platform_prune', payload: {}, correlationId: 'pages' },
  ]);
}, 60_000);
afterAll(() => t?.close());

/** Every GET route that renders HTML: the apps' pages and fragments, the auth pages, the docs. */
/** The id in a page's path, by app (Notes' task by default). */
const idsOf: Record<string, () => string> = {
  imports: () => importId,
  'catalog-admin': () => productId,
  platform: () => jobId,
};

function pagePaths(): string[] {
  const pages = t.platform.manifest.http
    .filter((entry) => entry.definition.method === 'GET' && entry.definition.hidden)
    .map((entry) =>
      mountPath(entry)
        .replace(':id', idsOf[entry.app]?.() ?? taskId)
        .replace(':file', 'desk-lamp.svg')
        .replace(':queue', queueName(t.platform.manifest.tasks[0]!)),
    );
  return [...pages, '/docs'];
}

function elements(node: Node, found: Element[] = []): Element[] {
  if ('tagName' in node) found.push(node);
  for (const child of 'childNodes' in node ? node.childNodes : []) elements(child, found);
  if ('content' in node && node.content) elements(node.content, found);
  return found;
}

const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;
const textOf = (element: Element) =>
  element.childNodes.map((child) => ('value' in child ? child.value : '')).join('');

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

/** What in this page its own policy would block. */
function violations(html: string, csp: string): string[] {
  const policy = directives(csp);
  const scriptSources = policy.get('script-src') ?? policy.get('default-src') ?? [];
  const styleSources = policy.get('style-src') ?? policy.get('default-src') ?? [];
  const found: string[] = [];
  for (const element of elements(parse(html))) {
    for (const { name, value } of element.attrs) {
      if (name.startsWith('on')) found.push(`${element.tagName}: event handler attribute ${name}`);
      if (name.startsWith('hx-on')) found.push(`${element.tagName}: ${name} (htmx would eval it)`);
      if (name === 'style' && !styleSources.includes("'unsafe-inline'"))
        found.push(`style attribute: ${value}`);
      if (/^\s*javascript:/i.test(value)) found.push(`${element.tagName}: javascript: URL in ${name}`);
      if (['hx-vals', 'hx-headers', 'hx-vars'].includes(name) && /^\s*(js|javascript):/.test(value)) {
        found.push(`${name} evaluates script`);
      }
    }
    if (element.tagName === 'script') {
      const src = attr(element, 'src');
      if (!src) found.push(`inline script: ${textOf(element).slice(0, 60)}`);
      else if (!src.startsWith('/') || src.startsWith('//')) found.push(`script from elsewhere: ${src}`);
      if (!scriptSources.includes("'self'")) found.push('scripts are not allowed from this origin');
    }
    if (element.tagName === 'style') {
      const hash = `'sha256-${createHash('sha256').update(textOf(element)).digest('base64')}'`;
      if (!styleSources.includes(hash) && !styleSources.includes("'unsafe-inline'")) {
        found.push(`inline style not allowed by hash: ${textOf(element).slice(0, 60)}`);
      }
    }
    if (element.tagName === 'link' && attr(element, 'rel') === 'stylesheet') {
      const href = attr(element, 'href') ?? '';
      if (!href.startsWith('/') || href.startsWith('//')) found.push(`stylesheet from elsewhere: ${href}`);
    }
  }
  return found;
}

/** Every script and stylesheet a page names, served with the right type. */
function assetsOf(html: string): { url: string; type: RegExp }[] {
  return elements(parse(html)).flatMap((element) => {
    if (element.tagName === 'script' && attr(element, 'src')) {
      return [{ url: attr(element, 'src')!, type: /javascript/ }];
    }
    if (element.tagName === 'link' && attr(element, 'rel') === 'stylesheet') {
      return [{ url: attr(element, 'href')!, type: /text\/css/ }];
    }
    return [];
  });
}

describe('every page under its Content-Security-Policy', () => {
  it('uses nothing its policy blocks, and every script and stylesheet it names is served', async () => {
    const paths = pagePaths();
    expect(paths).toEqual(expect.arrayContaining(['/gradcafe/', '/notes/', '/auth/login', '/docs']));
    for (const path of paths) {
      const res = await admin.request(path, { headers: { 'hx-request': 'true', accept: 'text/html' } });
      expect(res.status, path).toBeLessThan(400);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(violations(await res.text(), csp), path).toEqual([]);
    }
    for (const path of ['/gradcafe/', '/notes/', '/auth/login', '/docs']) {
      const html = await (await admin.request(path)).text();
      for (const asset of assetsOf(html)) {
        const served = await t.app.request(asset.url);
        expect(served.status, `${path} → ${asset.url}`).toBe(200);
        expect(served.headers.get('content-type'), asset.url).toMatch(asset.type);
      }
    }
  });

  it('tells htmx not to eval and not to inject its own style element', async () => {
    const html = await (await admin.request('/notes/')).text();
    const meta = elements(parse(html)).find((e) => e.tagName === 'meta' && attr(e, 'name') === 'htmx-config');
    expect(JSON.parse(attr(meta!, 'content') ?? '{}')).toEqual({
      allowEval: false,
      includeIndicatorStyles: false,
    });
  });

  it('would catch what it looks for (the checker itself)', () => {
    const csp = "default-src 'self'; script-src 'self'; style-src 'self'";
    expect(
      violations(
        '<p onclick="x()" style="color:red" hx-on-click="y()">a</p><script>alert(1)</script><style>p{}</style>' +
          '<script src="https://cdn.example.com/x.js"></script>',
        csp,
      ),
    ).toHaveLength(6);
  });
});

describe('headers on every answer', () => {
  it('forbids framing and sniffing, limits referrers, and keeps the docs the only page with inline style attributes', async () => {
    for (const path of ['/gradcafe/', '/healthz', '/no/such/route', '/api/users/me', '/docs']) {
      const res = await t.app.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      const csp = directives(res.headers.get('content-security-policy') ?? '');
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('style-src')?.includes("'unsafe-inline'"), path).toBe(path === '/docs');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
    }
  });

  it("lets the catalog's sample pictures be shown from another origin, and nothing else", async () => {
    const picture = await t.app.request('/catalog-admin/samples/desk-lamp.svg');
    expect(picture.status).toBe(200);
    expect(picture.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(picture.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers signed-in pages and API calls with Cache-Control: no-store, and lets assets be cached', async () => {
    expect((await admin.request('/notes/')).headers.get('cache-control')).toBe('no-store');
    expect((await admin.request('/api/users/me')).headers.get('cache-control')).toBe('no-store');
    expect((await t.app.request('/no/such/route')).headers.get('cache-control')).toBe('no-store');
    expect((await t.app.request('/static/htmx.min.js')).headers.get('cache-control')).toMatch(/max-age=/);
  });

  it('sends HSTS over https only (development), as told by the connection', async () => {
    expect(
      (await t.app.request('https://app.example.com/healthz')).headers.get('strict-transport-security'),
    ).toMatch(/max-age=\d+/);
    expect(
      (await t.app.request('http://localhost/healthz')).headers.get('strict-transport-security'),
    ).toBeNull();
  });
});
