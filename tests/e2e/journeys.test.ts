import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shot, watch } from '../helpers/e2e.ts';
import { ADMIN, browserOnEmbeddedRunner } from '../helpers/embedded-runner.ts';

/**
 * What a person meets in a real browser on `npm start`, by clicks and typing: each app's main
 * journey, the console answering "what failed and why", sessions that end under an htmx page, a
 * refused sign-in, an unknown address, the API docs, every page at phone width (one runner serves
 * them all: each start costs seconds). Every journey asserts that no page logged a
 * console error or lost a request, and leaves a screenshot of each page in artifacts/e2e/.
 */
// A report job gets one attempt: a report that cannot succeed is a dead letter at once (the
// console journey replays and purges one). The People schedules are off: every provider request
// takes the next queued fault, so an enrichment firing on its */10 minute mark would take the
// faults the failing-sync journey queues for its own sync (a CI run that crossed 04:10 waited in
// vain for the failed attempt).
const app = browserOnEmbeddedRunner({
  NOTES_REPORT_MAX_ATTEMPTS: '1',
  PEOPLE_SYNC_CRON: 'off',
  PEOPLE_ENRICH_ADDRESS_CRON: 'off',
  PEOPLE_ENRICH_CARD_CRON: 'off',
});

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
    const admin = watch(await app.browser().newPage(), problems);
    await admin.goto(`${app.base()}/`);
    await shot(admin, 'home');
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
    const visitor = watch(await app.browser().newPage(), problems);
    await register(visitor, 'liker@example.com');
    const card = visitor.locator('.product', { hasText: 'Browser lamp' });
    for (let tries = 0; (await card.count()) === 0 && tries < 50; tries++) {
      await visitor.goto(`${app.base()}/catalog/`);
    }
    await card.locator('button:has-text("Like")').click();
    await card.locator('text=You like this').waitFor();
    expect(await card.locator('.likes').innerText()).toContain('1');
    await shot(visitor, 'catalog-gallery-liked');

    // The like goes back as an event: the admin list counts it.
    const row = admin.locator('tr', { hasText: 'Browser lamp' });
    for (let tries = 0; tries < 50; tries++) {
      await admin.goto(`${app.base()}/catalog-admin/`);
      if ((await row.locator('td.num').innerText()).trim() === '1') break;
    }
    expect((await row.locator('td.num').innerText()).trim()).toBe('1');
    await shot(admin, 'catalog-admin-counted');
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

describe("each app's main journey, by clicks", () => {
  async function adminPage(problems: string[]): Promise<Page> {
    const page = watch(await app.browser().newPage({ viewport: { width: 1280, height: 900 } }), problems);
    await signIn(page, ADMIN.email, ADMIN.password);
    return page;
  }

  it('GradCafe: pull new data and update the analysis, each with its flash and its job finishing', async () => {
    const problems: string[] = [];
    const page = await adminPage(problems);
    await page.goto(`${app.base()}/`);
    await Promise.all([page.waitForURL(/\/gradcafe\/$/), page.click('header a:has-text("GradCafe")')]);
    await page.click('button:has-text("Pull Data")');
    await page.locator('.flash-success').waitFor();
    // The recent-jobs panel follows the pull (and the analysis it triggers) until nothing is active.
    await page.locator('#recent-jobs tbody tr').first().waitFor();
    await page.locator('#recent-jobs:not([hx-get])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#recent-jobs tbody tr').first().locator('.badge').innerText()).toBe(
      'succeeded',
    );
    await shot(page, 'gradcafe-pulled');
    await page.click('.actions button:has-text("Update Analysis")');
    await page.locator('.flash-success').waitFor();
    await shot(page, 'gradcafe-analysis-queued');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('Imports: a CSV uploaded by its form is loaded while its page follows, with its bad line set aside', async () => {
    const problems: string[] = [];
    const page = await adminPage(problems);
    await page.goto(`${app.base()}/`);
    await Promise.all([page.waitForURL(/\/imports\/$/), page.click('header a:has-text("Imports")')]);
    const csv =
      'sku,name,category,price,quantity,updated_at\n' +
      'E2E-1,Tea,Beverages,3.20,10,2026-12-04\n' +
      'E2E-2,"Mug, large",Household,8,2,2026-12-04\n' +
      'E2E 3,Pen,Office,1,1,2026-12-04\n';
    await page.setInputFiles('input[type=file][name=file]', {
      name: 'e2e-items.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await Promise.all([
      page.waitForURL(/\/imports\/runs\/\d+$/),
      page.click('button:has-text("Upload and import")'),
    ]);
    // The page follows the import until it has loaded.
    await page.locator('.badge-loaded').waitFor({ timeout: 30_000 });
    const failed = await page.locator('section[aria-labelledby=failed-title]').innerText();
    expect(failed).toContain('E2E 3');
    await shot(page, 'imports-loaded');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('Notes: create, finish, edit and delete a task, then a report with its live status', async () => {
    const problems: string[] = [];
    const page = watch(await app.browser().newPage({ viewport: { width: 1280, height: 900 } }), problems);
    page.on('dialog', (dialog) => void dialog.accept());
    await register(page, 'journey@example.com');
    await page.fill('input[name=title]', 'Water the plants');
    await page.click('button:has-text("Add task")');
    const task = page.locator('li.task', { hasText: 'Water the plants' });
    await task.waitFor();
    await task.locator('button:has-text("Mark done")').click();
    await page.locator('li.task.done', { hasText: 'Water the plants' }).waitFor();
    await task.locator('a:has-text("Edit")').click();
    await page.fill('li.task input[name=title]', 'Water the garden');
    await page.click('li.task button:has-text("Save")');
    await page.locator('li.task', { hasText: 'Water the garden' }).waitFor();
    await shot(page, 'notes-edited');
    await page.click('#report-panel button:has-text("Generate report")');
    // The panel follows its job, then shows the report it made.
    await page.locator('#report-panel[hx-get]').waitFor();
    await page.locator('#report-panel:not([hx-get])', { hasText: 'Generated' }).waitFor({ timeout: 30_000 });
    await shot(page, 'notes-report-ready');
    await page
      .locator('li.task', { hasText: 'Water the garden' })
      .locator('button:has-text("Delete")')
      .click();
    await page.locator('li.task', { hasText: 'Water the garden' }).waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('Console: a failing sync is found, its timeline says why, the page follows it, and it is cancelled', async () => {
    const problems: string[] = [];
    const page = await adminPage(problems);
    // The provider emulator answers the next 5 requests with 503: the sync's first attempt fails
    // after the provider client's own retries, and the job waits for its next attempt.
    await page.goto(`${app.base()}/people/users/ui`);
    await page.selectOption('select[name=fault]', 'unavailable');
    await page.fill('input[name=times]', '5');
    await page.click('button:has-text("Queue")');
    await page.locator('.flash').waitFor();
    await page.click('form[action$="/sync/users"] button');
    await page.locator('.flash-success').waitFor();

    await Promise.all([page.waitForURL(/\/console$/), page.click('header a:has-text("Console")')]);
    await shot(page, 'console');
    await page.fill('input[name=kind]', 'people.sync_users');
    await Promise.all([
      page.waitForURL(/kind=people\.sync_users/),
      page.click('form.search button:has-text("Search")'),
    ]);
    await Promise.all([
      page.waitForURL(/\/console\/jobs\//),
      page.locator('table.data a[href^="/console/jobs/"]').first().click(),
    ]);
    // The page follows the job: the failed attempt arrives without a reload.
    await page.locator('#job-story .badge-retrying').waitFor({ timeout: 30_000 });
    const timeline = await page.locator('.timeline').innerText();
    expect(timeline).toMatch(/Attempt 1: failed/);
    expect(timeline).toMatch(/answered 503/);
    expect(timeline).toMatch(/next attempt/);
    expect(await page.locator('.log-lines li', { hasText: 'provider call retried' }).count()).toBe(4);
    await shot(page, 'console-job-timeline');

    await page.click('button:has-text("Cancel")');
    await page.locator('.flash-success', { hasText: 'Cancelled' }).waitFor();
    expect(await page.locator('#job-story .badge').innerText()).toBe('cancelled');
    await shot(page, 'console-job-cancelled');

    await Promise.all([page.waitForURL(/\/console$/), page.click('a:has-text("← Console")')]);
    expect(await page.locator('#actions-title + * ').innerText()).toContain('cancel');
    await page.click('a:has-text("What failed in the last hour?")');
    await page.waitForURL(/state=problems/);
    await shot(page, 'console-failed-last-hour');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('Console: a dead letter is found with its reason, replayed, then purged after a confirmation', async () => {
    const problems: string[] = [];
    const page = await adminPage(problems);
    await page.goto(`${app.base()}/notes/`);
    // Arranged the way a script would: a report for an owner who does not exist, which its task
    // refuses (NOT_FOUND) on its only attempt.
    const csrf = JSON.parse((await page.locator('body').getAttribute('hx-headers'))!)['x-csrf-token'];
    const queued = await page.request.post(`${app.base()}/notes/api/jobs/task-report`, {
      headers: { 'x-csrf-token': csrf, origin: app.base() },
      data: { owner_id: '00000000-0000-4000-8000-0000000000aa' },
    });
    expect(queued.status()).toBe(202);

    await page.goto(`${app.base()}/console`);
    const row = page.locator('tr', { hasText: 'notes.task-report' });
    // The overview refreshes itself every 5 s: the dead letter shows up without a reload.
    await row.locator('a:has-text("see them")').waitFor({ timeout: 30_000 });
    await Promise.all([
      page.waitForURL(/\/console\/queues\/notes\.task-report$/),
      row.locator('a:has-text("see them")').click(),
    ]);
    expect(await page.locator('table.data').innerText()).toMatch(/NOT_FOUND: No owner with id/);
    await page.click('summary:has-text("payload")');
    expect(await page.locator('pre.json').first().innerText()).toContain(
      '00000000-0000-4000-8000-0000000000aa',
    );
    await shot(page, 'console-dead-letters');

    await page.check('input[name=ids]');
    await page.click('button:has-text("Replay selected")');
    await page
      .locator('.flash-success', { hasText: 'Replayed 1 dead letter of notes.task-report.' })
      .waitFor();
    // Replayed from its first attempt, it fails the same way and is back, with the same reason.
    for (let tries = 0; tries < 30 && (await page.locator('input[name=ids]').count()) === 0; tries++) {
      await page.waitForTimeout(200);
      await page.reload();
    }
    await page.click('button:has-text("Purge all…")');
    expect(await page.locator('main').innerText()).toMatch(
      /deletes every dead letter \(1\) of notes\.task-report/,
    );
    await shot(page, 'console-purge-confirm');
    await page.click('button:has-text("Delete them")');
    await page
      .locator('.flash-success', { hasText: 'Deleted 1 dead letter of notes.task-report.' })
      .waitFor();
    expect(await page.locator('main').innerText()).toContain(
      'None: every message of this queue was handled.',
    );

    await page.goto(`${app.base()}/console`);
    const actions = await page.locator('section[aria-labelledby=actions-title]').innerText();
    expect(actions).toMatch(/purge\s+notes\.task-report\s+1/);
    expect(actions).toMatch(/replay\s+notes\.task-report\s+1/);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});

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
