import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN, browserOnEmbeddedRunner } from '../helpers/embedded-runner.ts';

/**
 * What a new user meets in a real browser on `npm start`: sessions that end under an htmx page,
 * a refused sign-in, an unknown address, the API docs.
 */
const app = browserOnEmbeddedRunner();

const PASSWORD = 'a browser test password';

async function register(page: Page, email: string) {
  await page.goto(`${app.base()}/auth/register`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${app.base()}/notes/`), page.click('form button[type=submit]')]);
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(`${app.base()}/auth/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
  await page.waitForLoadState();
}

describe('in a browser', () => {
  it('sends an htmx request whose session ended to the sign-in page, and back after with what was typed', async () => {
    const desk = await app.browser().newPage();
    await register(desk, 'ended@example.com');
    await desk.fill('input[name=title]', 'typed before the session ended');

    // The session ends elsewhere: the same user signs out everywhere from another browser.
    const phone = await app.browser().newPage();
    await signIn(phone, 'ended@example.com');
    await phone.goto(`${app.base()}/auth/password`);
    await Promise.all([
      phone.waitForURL(/\/auth\/login/),
      phone.click('button:has-text("Sign out everywhere")'),
    ]);

    // htmx posts the new task: the whole page goes to the sign-in form, not a form inside a card.
    await Promise.all([desk.waitForURL(/\/auth\/login\?next=/), desk.click('button:has-text("Add task")')]);
    expect(new URL(desk.url()).searchParams.get('next')).toBe('/notes/');
    expect(await desk.locator('header.site-header').count()).toBe(1);
    expect(await desk.locator('#task-list').count()).toBe(0);

    await desk.fill('input[name=email]', 'ended@example.com');
    await desk.fill('input[name=password]', PASSWORD);
    await Promise.all([desk.waitForURL(`${app.base()}/notes/`), desk.click('form button[type=submit]')]);
    // What was typed is back in the form, ready to add.
    await desk.waitForFunction(`document.querySelector('input[name=title]').value !== ''`);
    expect(await desk.inputValue('input[name=title]')).toBe('typed before the session ended');
    await desk.close();
    await phone.close();
  }, 60_000);

  it('shows a refused sign-in again with the email kept in the form and out of the address', async () => {
    const page = await app.browser().newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'nobody@example.com', 'wrong password!');
    expect(page.url()).toBe(`${app.base()}/auth/login`);
    expect(await page.inputValue('input[name=email]')).toBe('nobody@example.com');
    expect(await page.locator('text=Invalid email or password.').count()).toBe(1);
    // The card is a narrow column, and the button does not touch the field above it.
    const form = (await page.locator('.auth-card form').boundingBox())!;
    expect(form.width).toBeLessThanOrEqual(26 * 16);
    const field = (await page.locator('.auth-card input[name=password]').boundingBox())!;
    const button = (await page.locator('.auth-card button[type=submit]').boundingBox())!;
    expect(button.y).toBeGreaterThan(field.y + field.height + 4);
    await page.close();
  });

  it('answers an unknown address with a page that leads home, and has a favicon', async () => {
    const page = await app.browser().newPage();
    const response = await page.goto(`${app.base()}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    await Promise.all([page.waitForURL(`${app.base()}/`), page.click('main a:has-text("Home")')]);
    const favicon = await page.request.get(`${app.base()}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    await page.close();
  });

  it('finds every app from the home page; a product made by the admin is liked by a new user and counted', async () => {
    const problems: string[] = [];
    const watch = (page: Page) => {
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
      });
      page.on('requestfailed', (request) =>
        problems.push(`${request.url()}: ${request.failure()?.errorText}`),
      );
      return page;
    };
    const admin = watch(await app.browser().newPage());
    await admin.goto(`${app.base()}/`);
    expect(await admin.locator('.apps a').count()).toBeGreaterThanOrEqual(6);
    await signIn(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`${app.base()}/`);
    await Promise.all([
      admin.waitForURL(`${app.base()}/catalog-admin/`),
      admin.click('.apps a:has-text("Catalog admin")'),
    ]);
    await Promise.all([admin.waitForURL(/\/products\/new$/), admin.click('a:has-text("New product")')]);
    await admin.fill('input[name=title]', 'Browser lamp');
    await admin.fill('input[name=image]', `${app.base()}/catalog-admin/samples/desk-lamp.svg`);
    await Promise.all([
      admin.waitForURL(`${app.base()}/catalog-admin/`),
      admin.click('form.product-form button[type=submit]'),
    ]);
    expect(await admin.locator('.flash-success').innerText()).toContain('Browser lamp');

    // A new user finds it in the gallery (once its event has arrived) and likes it with a click.
    const visitor = watch(await app.browser().newPage());
    await register(visitor, 'liker@example.com');
    const card = visitor.locator('.product', { hasText: 'Browser lamp' });
    for (let tries = 0; (await card.count()) === 0 && tries < 50; tries++) {
      await visitor.goto(`${app.base()}/catalog/`);
    }
    await card.locator('button:has-text("Like")').click();
    await card.locator('text=You like this').waitFor();
    expect(await card.locator('.likes').innerText()).toContain('1');

    // The like goes back as an event: the admin list counts it.
    const row = admin.locator('tr', { hasText: 'Browser lamp' });
    for (let tries = 0; tries < 50; tries++) {
      await admin.goto(`${app.base()}/catalog-admin/`);
      if ((await row.locator('td.num').innerText()).trim() === '1') break;
    }
    expect((await row.locator('td.num').innerText()).trim()).toBe('1');
    expect(problems).toEqual([]);
    await admin.close();
    await visitor.close();
  }, 90_000);

  it('lets /docs authorize and call the API', async () => {
    const page = await app.browser().newPage();
    await page.goto(`${app.base()}/docs`);
    await page.waitForSelector('button.authorize', { timeout: 20_000 });
    expect(await page.locator('button.authorize').count()).toBe(1);
    await page.close();
  });
});
