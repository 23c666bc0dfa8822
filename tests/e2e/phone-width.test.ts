import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN, browserOnEmbeddedRunner } from '../helpers/embedded-runner.ts';

const app = browserOnEmbeddedRunner();

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${app.base()}/auth/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/auth/login')),
    page.click('form button[type=submit]'),
  ]);
}

/** How wide the page really is, and what sticks out past the viewport. */
async function overflow(page: Page): Promise<{ scrollWidth: number; wide: string[] }> {
  // Runs in the page (a string: this file is compiled without the DOM's types). Lists what sticks
  // out past the right edge, outside the tables' own scroll boxes.
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      // What a table's scroll box holds may be wider: it scrolls in there, not the page.
      .filter((el) => !el.parentElement.closest('.table-scroll'))
      .map(name);
    return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8) };
  })()`);
}

const PAGES = [
  '/',
  '/gradcafe/',
  '/notes/',
  '/catalog/',
  '/catalog-admin/',
  '/catalog-admin/products/new',
  '/console',
  '/console?state=problems&window=hour',
  '/console/queues/people.sync-users',
  '/auth/register',
  '/auth/password',
  '/nope',
  '/docs',
];

describe('at phone width (390 px)', () => {
  it('keeps every page inside the screen and within its CSP, signed out and signed in as the admin', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    // Every page also runs under its Content-Security-Policy here: nothing on it may be refused.
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(`${page.url()}: ${message.text()}`);
    });
    const results: Record<string, unknown> = {};
    for (const path of ['/', '/gradcafe/', '/catalog/', '/auth/login', '/auth/register', '/nope']) {
      await page.goto(app.base() + path);
      results[`visitor ${path}`] = await overflow(page);
    }
    await signIn(page, ADMIN.email, ADMIN.password);
    // Jobs in the GradCafe table: a pull (which queues the analysis) and a question.
    await page.goto(`${app.base()}/gradcafe/`);
    await Promise.all([
      page.waitForURL(`${app.base()}/gradcafe/`),
      page.click('button:has-text("Pull Data")'),
    ]);
    await page.click('summary:has-text("Ask about another term")');
    await page.fill('input[name=university]', 'Massachusetts Institute of Technology');
    await Promise.all([
      page.waitForURL(/\?job=/),
      page.click('form[action="/gradcafe/update-analysis"] >> text=Update Analysis >> nth=-1'),
    ]);
    PAGES.push(new URL(page.url()).pathname + new URL(page.url()).search);
    for (const path of PAGES) {
      await page.goto(app.base() + path);
      results[`admin ${path}`] = await overflow(page);
    }
    const expected = Object.fromEntries(Object.keys(results).map((k) => [k, { scrollWidth: 390, wide: [] }]));
    expect(results).toEqual(expected);
    expect(refused).toEqual([]);
    await context.close();
  }, 120_000);
});
