import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthTestApp, TestBrowser } from '../helpers/auth.ts';
import { dbBackends } from '../helpers/db.ts';
import { readJson } from '../helpers/fake-ctx.ts';

/**
 * A new user keeps notes end to end through the real HTTP layer: register and sign in on the
 * pages, then create, toggle, edit and delete with htmx requests carrying the session's CSRF
 * token; and the same user through the JSON API with a bearer token. (Handlers, caching and
 * reports have their own tests in notes-*.test.ts.)
 */
describe.each(dbBackends)('Notes through the pages and the API on %s', (backend) => {
  let t: Awaited<ReturnType<typeof createAuthTestApp>>;
  const PASSWORD = 'notes-e2e-password';

  beforeAll(async () => {
    t = await createAuthTestApp(backend);
  }, 60_000);
  afterAll(() => t?.close());

  /** An htmx request of the dashboard: the CSRF token travels in the header hx-headers sets. */
  const htmx = (browser: TestBrowser, path: string, fields: Record<string, string>) =>
    browser.request(path, {
      method: 'POST',
      headers: {
        'hx-request': 'true',
        'x-csrf-token': browser.csrf(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields).toString(),
    });

  const idsOn = (html: string) => [...html.matchAll(/id="task-([0-9a-f-]{36})"/g)].map((m) => m[1]!);

  it('registers, signs in, and creates, toggles, edits and deletes a note without a reload', async () => {
    const browser = new TestBrowser(t.app);
    const registered = await browser.register(`keeper-${backend}@example.com`, PASSWORD);
    expect(registered.headers.get('location')).toBe('/notes/');
    const dashboard = await browser.page('/notes/');
    expect(dashboard).toContain(`keeper-${backend}@example.com`);
    expect(dashboard).toContain('hx-headers=');

    const created = await htmx(browser, '/notes/items', { title: 'Buy <milk>', description: '2 litres' });
    expect(created.status).toBe(200);
    const fragment = await created.text();
    expect(fragment).not.toContain('<html'); // a fragment, not a page
    expect(fragment).toContain('Buy &lt;milk&gt;');
    const [id] = idsOn(fragment);
    expect(id).toBeDefined();

    const toggled = await htmx(browser, `/notes/items/${id}/toggle`, {});
    expect(toggled.status).toBe(200);
    const edited = await htmx(browser, `/notes/items/${id}/edit`, { title: 'Buy oat milk', description: '' });
    expect(await edited.text()).toContain('Buy oat milk');

    const api = await browser.request('/notes/api/tasks', { headers: { accept: 'application/json' } });
    expect((await readJson(api)).items).toEqual([
      expect.objectContaining({ id, title: 'Buy oat milk', status: 'done' }),
    ]);

    const deleted = await htmx(browser, `/notes/items/${id}/delete`, {});
    expect(deleted.status).toBe(200);
    const after = await browser.request('/notes/api/tasks', { headers: { accept: 'application/json' } });
    expect((await readJson(after)).items).toEqual([]);
  });

  it('sends the whole page to sign in when the session ended under an htmx request, and back afterwards', async () => {
    const browser = new TestBrowser(t.app);
    await browser.register(`expired-${backend}@example.com`, PASSWORD);
    await browser.page('/notes/?status=todo');
    const csrf = browser.csrf();
    browser.cookies.clear(); // the session is gone (a restart with other secrets, a timeout)
    const res = await browser.request('/notes/items', {
      method: 'POST',
      headers: {
        'hx-request': 'true',
        'hx-current-url': 'http://localhost/notes/?status=todo',
        'x-csrf-token': csrf,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'title=typed+before+the+session+ended',
    });
    // Not the sign-in page swapped into the card: an instruction to htmx to navigate.
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('hx-redirect')).toBe('/auth/login?next=%2Fnotes%2F%3Fstatus%3Dtodo');
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses the same htmx write without the CSRF header, and changes nothing', async () => {
    const browser = new TestBrowser(t.app);
    await browser.register(`careful-${backend}@example.com`, PASSWORD);
    await browser.page('/notes/');
    const forged = await browser.request('/notes/items', {
      method: 'POST',
      headers: { 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'title=forged',
    });
    expect(forged.status).toBe(403);
    const list = await browser.request('/notes/api/tasks', { headers: { accept: 'application/json' } });
    expect((await readJson(list)).total).toBe(0);
  });

  it('keeps notes through the JSON API with a bearer token, each owner seeing only their own', async () => {
    const token = async (email: string) => {
      await new TestBrowser(t.app).register(email, PASSWORD);
      const res = await t.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: email, password: PASSWORD }).toString(),
      });
      return {
        authorization: `Bearer ${(await readJson(res)).access_token}`,
        'content-type': 'application/json',
      };
    };
    const ann = await token(`ann-api-${backend}@example.com`);
    const bob = await token(`bob-api-${backend}@example.com`);

    const created = await t.app.request('/notes/api/tasks', {
      method: 'POST',
      headers: ann,
      body: JSON.stringify({ title: 'Ann’s note', owner_id: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(created.status).toBe(201);
    const note = await readJson(created);

    const patched = await t.app.request(`/notes/api/tasks/${note.id}`, {
      method: 'PATCH',
      headers: ann,
      body: JSON.stringify({ status: 'in_progress' }),
    });
    expect((await readJson(patched)).status).toBe('in_progress');

    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await t.app.request(`/notes/api/tasks/${note.id}`, {
        method,
        headers: bob,
        ...(method === 'PATCH' ? { body: JSON.stringify({ title: 'mine now' }) } : {}),
      });
      expect({ method, status: res.status }).toEqual({ method, status: 404 });
    }
    const bobs = await t.app.request('/notes/api/tasks', { headers: bob });
    expect((await readJson(bobs)).total).toBe(0);

    const gone = await t.app.request(`/notes/api/tasks/${note.id}`, { method: 'DELETE', headers: ann });
    expect(gone.status).toBe(204);
  });
});
