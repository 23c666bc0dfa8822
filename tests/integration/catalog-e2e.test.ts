import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../functions/catalog-admin/lib/model.ts';
import type { GalleryProduct } from '../../functions/catalog/lib/gallery.ts';
import type { Page } from '../../shared/contract/pagination.ts';
import { loadConfig } from '../../shared/config.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import type { Runner } from '../../shared/runtime/runner.ts';
import { startAdminRunner, type AdminRunner } from '../helpers/admin-runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, stacks, type TestDriver } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The Catalog's two services through the whole runner, on every stack: the admin API changes a
 * product, its event crosses the broker through the outbox, the gallery's replica shows it; a
 * like goes the other way and the admin service counts it. The services share no table: what the
 * gallery shows arrived as messages.
 */
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let manifest: Manifest;
beforeAll(async () => {
  manifest = await loadManifest();
});

describe.each(stacks)('Catalog end to end on $name', (stack) => {
  let runner: Runner;
  let testDb: TestDb;
  let testDriver: TestDriver;
  let admin: AdminRunner['api'];
  let userApi: AdminRunner['userApi'];

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    ({
      runner,
      api: admin,
      userApi,
    } = await startAdminRunner({
      db: testDb.db,
      driver: testDriver.driver,
      config: loadConfig(testDriver.env),
      manifest,
    }));
  }, 60_000);
  afterAll(async () => {
    await runner?.stop();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((queue) => queue.name));
    await testDb?.drop();
  });

  const gallery = async (api = admin) =>
    ((await (await api('/catalog/api/products?limit=100')).json()) as Page<GalleryProduct>).items;
  const inGallery = (id: number, api = admin) =>
    waitFor(async () => (await gallery(api)).find((product) => product.id === id), {
      timeoutMs: 15_000,
      message: `product ${id} in the gallery`,
    });
  const adminProduct = async (id: number) =>
    (await (await admin(`/catalog-admin/api/products/${id}`)).json()) as Product;

  it('creates, likes, counts, updates and deletes a product across the two services', async () => {
    const created = await admin(
      '/catalog-admin/api/products',
      json({ title: ' Lamp ', image: 'https://example.com/lamp.png', likes: 99 }),
    );
    expect(created.status).toBe(201);
    const product = (await created.json()) as Product;
    // Likes come only from the gallery's events: a client's `likes` is ignored.
    expect(product).toEqual({
      id: expect.any(Number),
      title: 'Lamp',
      image: 'https://example.com/lamp.png',
      likes: 0,
    });
    expect(await inGallery(product.id)).toMatchObject({ title: 'Lamp', likes: 0, liked: false });

    const alice = await userApi(`alice-${stack.queue}@example.com`);
    const liked = await alice.api(`/catalog/api/products/${product.id}/like`, { method: 'POST' });
    expect(liked.status).toBe(200);
    expect(await liked.json()).toMatchObject({ id: product.id, likes: 1, liked: true });
    const again = await alice.api(`/catalog/api/products/${product.id}/like`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { message: 'you already like this product' } });
    expect((await alice.api('/catalog/api/products/999999/like', { method: 'POST' })).status).toBe(404);
    await waitFor(async () => (await adminProduct(product.id)).likes === 1, {
      timeoutMs: 15_000,
      message: 'the like counted',
    });

    const updated = await admin(`/catalog-admin/api/products/${product.id}`, {
      ...json({ title: 'Desk lamp', image: 'http://example.com/desk-lamp.png' }),
      method: 'PUT',
    });
    expect(updated.status).toBe(202);
    expect(await updated.json()).toEqual({
      id: product.id,
      title: 'Desk lamp',
      image: 'http://example.com/desk-lamp.png',
      likes: 1,
    });
    await waitFor(async () => (await inGallery(product.id)).title === 'Desk lamp', { timeoutMs: 15_000 });
    // Alice's own like shows as hers; another visitor sees the count only.
    expect(await inGallery(product.id, alice.api)).toMatchObject({ likes: 1, liked: true });

    const deleted = await admin(`/catalog-admin/api/products/${product.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await admin(`/catalog-admin/api/products/${product.id}`, { method: 'DELETE' })).status).toBe(404);
    await waitFor(async () => !(await gallery()).some((p) => p.id === product.id), { timeoutMs: 15_000 });
    expect((await alice.api(`/catalog/api/products/${product.id}/like`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('answers 400 for a bad product and 404 for an unknown one, and only to admins', async () => {
    const bad = await admin(
      '/catalog-admin/api/products',
      json({ title: '', image: 'ftp://example.com/a.png' }),
    );
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/title/);
    expect(message).toMatch(/image: must be an http or https URL/);
    const missing = await admin('/catalog-admin/api/products/424242', {
      ...json({ title: 'x', image: 'https://e.x/a' }),
      method: 'PUT',
    });
    expect(missing.status).toBe(404);
    expect((await admin('/catalog-admin/api/products/424242')).status).toBe(404);
    expect((await admin('/catalog-admin/api/products/abc')).status).toBe(400);

    const bob = await userApi(`bob-${stack.queue}@example.com`);
    expect((await bob.api('/catalog-admin/api/products')).status).toBe(403);
    expect(
      (await fetch(`${runner.url}/catalog-admin/api/products`, { headers: { accept: 'application/json' } }))
        .status,
    ).toBe(401);
    // The gallery is public; liking is not.
    expect((await fetch(`${runner.url}/catalog/api/products`)).status).toBe(200);
    const anonymous = await fetch(`${runner.url}/catalog/api/products/1/like`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    expect(anonymous.status).toBe(401);
  });

  it('counts 20 concurrent likes of one user as one, on both sides', async () => {
    const product = (await (
      await admin('/catalog-admin/api/products', json({ title: 'Mug', image: 'https://example.com/mug.png' }))
    ).json()) as Product;
    await inGallery(product.id);
    const carol = await userApi(`carol-${stack.queue}@example.com`);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        carol.api(`/catalog/api/products/${product.id}/like`, { method: 'POST' }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(400)]);
    await waitFor(async () => (await adminProduct(product.id)).likes === 1, { timeoutMs: 15_000 });
    await waitFor(
      async () =>
        ((await (await admin('/queues')).json()) as { outbox: { pending: number } }).outbox.pending === 0,
    );
    expect((await adminProduct(product.id)).likes).toBe(1);
    expect((await inGallery(product.id)).likes).toBe(1);

    // Both services' metrics, read from their tables at scrape time: in sync, they agree.
    const metrics = await (await admin('/metrics', { headers: { accept: 'text/plain' } })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(value('fnstack_catalog_likes')).toBe(value('fnstack_catalog_admin_likes_counted'));
    expect(value('fnstack_catalog_likes')).toBeGreaterThanOrEqual(1);
    expect(value('fnstack_catalog_admin_products')).toBeGreaterThanOrEqual(1);
    expect(value('fnstack_catalog_products\\{state="shown"\\}')).toBe(
      value('fnstack_catalog_admin_products'),
    );
  });

  it('runs the pages: forms that say what is wrong, a confirmed delete, a like button', async () => {
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(body).toString(),
      redirect: 'manual' as const,
    });
    const refused = await admin(
      '/catalog-admin/products',
      form({ title: ' ', image: 'javascript:alert(1)' }),
    );
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('Title: must not be empty');
    expect(page).toContain('Image: must be an http or https URL');
    // What was typed comes back (escaped), to be corrected rather than typed again.
    expect(page).toContain('value="javascript:alert(1)"');

    const created = await admin(
      '/catalog-admin/products',
      form({ title: 'Chair', image: 'https://example.com/c.png' }),
    );
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/catalog-admin/');
    const listed = await (await admin('/catalog-admin/', { headers: { accept: 'text/html' } })).text();
    expect(listed).toContain('Chair');
    const id = Number(/\/catalog-admin\/products\/(\d+)\/edit/.exec(listed)![1]);
    await inGallery(id);

    const dave = await userApi(`dave-${stack.queue}@example.com`);
    const gallery = await (await dave.api('/catalog/', { headers: { accept: 'text/html' } })).text();
    expect(gallery).toContain(`hx-post="/catalog/products/${id}/like"`);
    const liked = await dave.api(`/catalog/products/${id}/like`, {
      method: 'POST',
      headers: { 'hx-request': 'true', accept: 'text/html' },
    });
    expect(liked.status).toBe(200);
    const card = await liked.text();
    expect(card).toContain('You like this');
    expect(card).not.toContain('<html');
    // A second click (another tab) shows it liked rather than an error.
    const again = await dave.api(`/catalog/products/${id}/like`, form({}));
    expect(again.status).toBe(303);

    const confirm = await (
      await admin(`/catalog-admin/products/${id}/delete`, { headers: { accept: 'text/html' } })
    ).text();
    expect(confirm).toContain('Delete this product?');
    expect(confirm).toContain('Chair');
    const deleted = await admin(`/catalog-admin/products/${id}/delete`, form({}));
    expect(deleted.status).toBe(303);
    const gone = await admin(`/catalog-admin/products/${id}/edit`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(gone.status).toBe(303);
  });
});
