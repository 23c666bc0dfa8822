import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import createItem from '../../functions/notes/create-item.tsx';
import deleteItem from '../../functions/notes/delete-item.tsx';
import editItemForm from '../../functions/notes/edit-item-form.tsx';
import editItem from '../../functions/notes/edit-item.tsx';
import generateReport from '../../functions/notes/generate-report.tsx';
import item from '../../functions/notes/item.tsx';
import page from '../../functions/notes/page.tsx';
import reportPanel from '../../functions/notes/report-panel.tsx';
import statsPanel from '../../functions/notes/stats-panel.tsx';
import toggleItem from '../../functions/notes/toggle-item.tsx';
import { invalidateOwner } from '../../functions/notes/lib/cache.ts';
import type { AuthUser, HttpCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { decodeFlash } from '../../shared/http/flash.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import type { FakeCtxParts } from '../helpers/fake-ctx.ts';
import { callHttp, htmx, insertUser, notesHttpCtx, runTask } from '../helpers/notes.ts';

/**
 * The Notes pages, handler by handler on a real database: the dashboard, the item actions as
 * htmx fragments and as plain form posts (303 + flash), the report panel's polling, CSRF
 * fields in every form, escaping. Sessions, the CSRF check itself and the login redirect are
 * the platform's (tested with it); here the request is already signed in.
 */

const CSRF = 'test-csrf-token';
const plainForm = { 'content-type': 'application/x-www-form-urlencoded' };
const { default: taskReport } = await import('../../functions/notes/task-report.ts');

function flashOf(res: Response) {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('flash='));
  return decodeFlash(cookie?.slice('flash='.length).split(';')[0]);
}

/** Every `<form ...>...</form>` of an HTML text. */
function formsOf(text: string): string[] {
  return text.match(/<form[\s\S]*?<\/form>/g) ?? [];
}

describe.each(dbBackends)('Notes pages on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;
  let ctx: HttpCtx;
  let fakes: FakeCtxParts;
  let owner: AuthUser;
  let stranger: AuthUser;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
    ({ ctx, ...fakes } = notesHttpCtx(db));
    owner = await insertUser(db, { email: 'pages@example.com' });
    stranger = await insertUser(db, { email: 'stranger@example.com' });
  }, 60_000);
  afterAll(() => testDb?.drop());

  async function taskOf(user: AuthUser, title: string, status = 'todo') {
    const { rows } = await db.query<{ id: string }>(
      'insert into notes.tasks (owner_id, title, status) values ($1, $2, $3) returning id',
      [user.id, title, status],
    );
    // Straight into the table: clear the cached listings as the app's own writes do.
    await invalidateOwner(ctx.cache, user.id);
    return rows[0]!.id;
  }

  const titleOf = async (id: string) =>
    (
      await db.query<{ title: string; status: string }>(
        'select title, status from notes.tasks where id = $1',
        [id],
      )
    ).rows[0];

  it('renders the dashboard: email, sign-out, CSRF on every form and on htmx, the tasks', async () => {
    await taskOf(owner, 'dashboard task');
    await taskOf(stranger, 'not for this owner');
    const res = await callHttp(page, { user: owner, query: {} }, ctx);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('pages@example.com');
    expect(text).toContain('action="/auth/logout"');
    expect(text).toContain(`hx-headers="{&quot;x-csrf-token&quot;:&quot;${CSRF}&quot;}"`);
    const forms = formsOf(text);
    expect(forms.length).toBeGreaterThanOrEqual(5); // sign out, create, report, toggle, delete
    for (const form of forms) expect(form).toContain(`name="_csrf" value="${CSRF}"`);
    expect(text).toContain('dashboard task');
    expect(text).toMatch(/>\s*Mark done\s*</); // an action, not a status beside the "To do" badge
    expect(text).not.toContain('not for this owner');
    expect(text).toContain('hx-post="/notes/items"');
    // Not an admin: no all-owners table.
    expect(text).not.toContain('All owners');
  });

  it('filters by status and pages through the list', async () => {
    const lister = await insertUser(db, { email: 'lister@example.com' });
    for (let i = 1; i <= 12; i++) {
      await db.query(
        `insert into notes.tasks (owner_id, title, status, created_at) values ($1, $2, $3, now() - make_interval(mins => $4))`,
        [lister.id, `item ${String(i).padStart(2, '0')}`, i <= 3 ? 'done' : 'todo', 100 - i],
      );
    }
    const first = await (await callHttp(page, { user: lister, query: {} }, ctx)).text();
    expect(first).toContain('item 12');
    expect(first).not.toContain('item 02');
    expect(first).toContain('href="/notes/?page=2"');
    const second = await (await callHttp(page, { user: lister, query: { page: '2' } }, ctx)).text();
    expect(second).toContain('item 02');
    expect(second).not.toContain('item 12');
    const done = await (await callHttp(page, { user: lister, query: { status: 'done' } }, ctx)).text();
    expect(done).toContain('item 03');
    expect(done).not.toContain('item 04');
    // A bad filter or page is the default view, not an error.
    const junk = await callHttp(page, { user: lister, query: { status: "x' or 1=1", page: 'abc' } }, ctx);
    expect(junk.status).toBe(200);
  });

  it('escapes task text in the page', async () => {
    await taskOf(owner, '<script>alert("x")</script>');
    const text = await (await callHttp(page, { user: owner, query: {} }, ctx)).text();
    expect(text).not.toContain('<script>alert');
    expect(text).toContain('&lt;script&gt;alert');
  });

  it('creates with htmx: the refreshed list and a fresh form out of band; a refused title goes to the form', async () => {
    const res = await callHttp(
      createItem,
      {
        user: owner,
        body: { title: 'via htmx', description: 'd', status: 'todo', _csrf: CSRF },
        headers: htmx,
      },
      ctx,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('hx-trigger')).toBe('notes-changed');
    const text = await res.text();
    expect(text).toMatch(/^<section id="task-list"/);
    expect(text).toContain('via htmx');
    // The form comes back empty, swapped in by id: it clears without script in the page (CSP).
    expect(text).toMatch(/<section id="create-task"[^>]*hx-swap-oob="true"/);
    expect(text).not.toContain('hx-on');
    expect(text).not.toContain('<html');

    const refused = await callHttp(createItem, { user: owner, body: { title: '   ' }, headers: htmx }, ctx);
    expect(refused.status).toBe(200);
    expect(refused.headers.get('hx-retarget')).toBe('#create-error');
    expect(refused.headers.get('hx-trigger')).toBeNull();
    expect(await refused.text()).toContain('must not be empty');
  });

  it('creates with a plain form post: 303 to the dashboard with a flash, owner is the user', async () => {
    const res = await callHttp(
      createItem,
      {
        user: owner,
        body: { title: 'plain post', view_status: 'todo', owner_id: stranger.id },
        headers: plainForm,
      },
      ctx,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/notes/?status=todo');
    expect(flashOf(res)).toEqual([{ type: 'success', message: 'Task added.' }]);
    const { rows } = await db.query<{ owner_id: string }>(
      'select owner_id from notes.tasks where title = $1',
      ['plain post'],
    );
    expect(rows).toEqual([{ owner_id: owner.id }]);

    const refused = await callHttp(createItem, { user: owner, body: { title: '' }, headers: plainForm }, ctx);
    expect(refused.status).toBe(303);
    expect(flashOf(refused)[0]).toMatchObject({ type: 'error' });
  });

  it('toggles, edits in place and deletes with htmx', async () => {
    const id = await taskOf(owner, 'cycle');
    const toggled = await callHttp(toggleItem, { user: owner, params: { id }, headers: htmx }, ctx);
    expect(toggled.headers.get('hx-trigger')).toBe('notes-changed');
    expect(await toggled.text()).toMatch(new RegExp(`^<li id="task-${id}" class="task done"`));
    expect((await titleOf(id))?.status).toBe('done');

    const form = await (
      await callHttp(editItemForm, { user: owner, params: { id }, headers: htmx }, ctx)
    ).text();
    expect(form).toMatch(new RegExp(`^<li id="task-${id}"`));
    expect(form).toContain('value="cycle"');
    expect(form).toContain(`hx-get="/notes/items/${id}"`); // cancel
    expect(formsOf(form)[0]).toContain(`name="_csrf" value="${CSRF}"`);

    const saved = await callHttp(
      editItem,
      {
        user: owner,
        params: { id },
        body: { title: 'renamed', description: '', status: 'in_progress' },
        headers: htmx,
      },
      ctx,
    );
    expect(await saved.text()).toContain('renamed');
    expect(await titleOf(id)).toEqual({ title: 'renamed', status: 'in_progress' });

    const refused = await callHttp(
      editItem,
      { user: owner, params: { id }, body: { title: 'x'.repeat(201), status: 'done' }, headers: htmx },
      ctx,
    );
    const refusedText = await refused.text();
    expect(refusedText).toContain('Not saved');
    expect(refusedText).toContain('<form');
    expect(await titleOf(id)).toEqual({ title: 'renamed', status: 'in_progress' });

    const cancelled = await (
      await callHttp(item, { user: owner, params: { id }, headers: htmx }, ctx)
    ).text();
    expect(cancelled).toContain('renamed');

    const deleted = await callHttp(deleteItem, { user: owner, params: { id }, headers: htmx }, ctx);
    expect(deleted.status).toBe(200);
    expect(deleted.headers.get('hx-trigger')).toBe('notes-changed');
    const list = await deleted.text();
    expect(list).toMatch(/^<section id="task-list"/);
    expect(list).not.toContain('renamed');
    expect(await titleOf(id)).toBeUndefined();
  });

  it('answers a delete with the list being viewed, its pager counting what is left', async () => {
    const deleter = await insertUser(db, { email: 'deleter@example.com' });
    const ids: string[] = [];
    for (let i = 1; i <= 11; i++) {
      const { rows } = await db.query<{ id: string }>(
        `insert into notes.tasks (owner_id, title, status, created_at)
         values ($1, $2, 'todo', now() - make_interval(mins => $3)) returning id`,
        [deleter.id, `row ${String(i).padStart(2, '0')}`, 100 - i],
      );
      ids.push(rows[0]!.id);
    }
    const viewing = (url: string) => ({ ...htmx, 'hx-current-url': `http://localhost:8080${url}` });
    // Page 2 holds the oldest task alone; deleting it shows page 1, the last page now.
    const lastPage = await (
      await callHttp(
        deleteItem,
        { user: deleter, params: { id: ids[0]! }, headers: viewing('/notes/?page=2') },
        ctx,
      )
    ).text();
    expect(lastPage).toContain('Page 1 of 1 · 10 tasks');
    expect(lastPage).toContain('row 11');

    // Under a filter, the count is the filter's.
    await db.query(`update notes.tasks set status = 'done' where id = any($1::uuid[])`, [ids.slice(1, 4)]);
    await invalidateOwner(ctx.cache, deleter.id);
    const filtered = await (
      await callHttp(
        deleteItem,
        { user: deleter, params: { id: ids[1]! }, headers: viewing('/notes/?status=done') },
        ctx,
      )
    ).text();
    expect(filtered).toContain('Page 1 of 1 · 2 tasks');
    expect(filtered).toContain('row 03');
    expect(filtered).not.toContain('row 11');
  });

  it('says where a new task went when the filter hides it', async () => {
    const res = await callHttp(
      createItem,
      {
        user: owner,
        body: { title: 'hidden by filter', status: 'done', view_status: 'todo' },
        headers: htmx,
      },
      ctx,
    );
    const text = await res.text();
    expect(text).not.toContain('hidden by filter'); // the To do list it answers does not show it
    expect(text).toContain('Task added as Done; the To do filter hides it.');
    expect(text).toContain('<a href="/notes/">Show all tasks</a>');

    const plain = await callHttp(
      createItem,
      { user: owner, body: { title: 'hidden too', status: 'done', view_status: 'todo' }, headers: plainForm },
      ctx,
    );
    expect(flashOf(plain)).toEqual([
      { type: 'success', message: 'Task added as Done; the To do filter hides it.' },
    ]);
  });

  it('answers plain form posts of item actions with 303 and a flash', async () => {
    const id = await taskOf(owner, 'plain actions');
    const toggled = await callHttp(toggleItem, { user: owner, params: { id }, headers: plainForm }, ctx);
    expect(toggled.status).toBe(303);
    expect(flashOf(toggled)).toEqual([{ type: 'success', message: 'Done: plain actions' }]);
    const edited = await callHttp(
      editItem,
      { user: owner, params: { id }, body: { title: 'plain edited' }, headers: plainForm },
      ctx,
    );
    expect(edited.status).toBe(303);
    // Without JavaScript the edit form is a page of its own.
    const formPage = await (await callHttp(editItemForm, { user: owner, params: { id } }, ctx)).text();
    expect(formPage).toContain('<!doctype html>');
    expect(formPage).toContain('plain edited');
    const deleted = await callHttp(deleteItem, { user: owner, params: { id }, headers: plainForm }, ctx);
    expect(deleted.status).toBe(303);
    expect(await titleOf(id)).toBeUndefined();
  });

  it("never touches another owner's task from the pages", async () => {
    const id = await taskOf(stranger, 'strangers');
    for (const definition of [toggleItem, deleteItem]) {
      const quiet = await callHttp(definition, { user: owner, params: { id }, headers: htmx }, ctx);
      expect(await quiet.text()).toBe(''); // htmx drops a stale item
      const plain = await callHttp(definition, { user: owner, params: { id }, headers: plainForm }, ctx);
      expect(flashOf(plain)).toEqual([{ type: 'error', message: 'That task no longer exists.' }]);
    }
    await callHttp(
      editItem,
      { user: owner, params: { id }, body: { title: 'mine now' }, headers: htmx },
      ctx,
    );
    const form = await callHttp(editItemForm, { user: owner, params: { id }, headers: htmx }, ctx);
    expect(await form.text()).toBe('');
    expect(await titleOf(id)).toEqual({ title: 'strangers', status: 'todo' });
  });

  it('generates a report: the panel polls while the job runs and stops with the finished report', async () => {
    const reporter = await insertUser(db, { email: 'panel@example.com' });
    await taskOf(reporter, 'one', 'done');
    await taskOf(reporter, 'two');

    const started = await callHttp(generateReport, { user: reporter, headers: htmx }, ctx);
    const queued = fakes.queue.published.at(-1)!;
    expect(queued).toMatchObject({ kind: 'notes_task_report', payload: { ownerId: reporter.id } });
    const polling = await started.text();
    expect(polling).toMatch(/^<section id="report-panel"/);
    expect(polling).toContain(`hx-get="/notes/report-panel?job=${queued.jobId}"`);
    expect(polling).toContain('hx-trigger="every 2s"');
    expect(polling).toContain('disabled');

    // Still queued: still polling.
    const again = await (
      await callHttp(reportPanel, { user: reporter, query: { job: queued.jobId }, headers: htmx }, ctx)
    ).text();
    expect(again).toContain('hx-trigger="every 2s"');

    // The worker runs it; the next poll shows the report and polls no more.
    await runTask(taskReport, db, queued.payload, { jobId: queued.jobId! });
    Object.assign(fakes.jobs.byId.get(queued.jobId!)!, { status: 'succeeded' });
    const finished = await (
      await callHttp(reportPanel, { user: reporter, query: { job: queued.jobId }, headers: htmx }, ctx)
    ).text();
    expect(finished).not.toContain('hx-trigger');
    expect(finished).toContain('50.0%');
    expect(finished).toMatch(/<dt>Tasks<\/dt><dd>2<\/dd>/);
    expect(finished).toContain('Generated');

    // The dashboard shows the same finished report.
    const dashboard = await (await callHttp(page, { user: reporter, query: {} }, ctx)).text();
    expect(dashboard).toContain('50.0%');
  });

  it("ignores another owner's job id in the panel and shows a dead job's error", async () => {
    const watcher = await insertUser(db, { email: 'watcher@example.com' });
    const theirs = fakes.jobs.add({
      kind: 'notes_task_report',
      payload: { ownerId: stranger.id },
      status: 'running',
    });
    const panel = await (
      await callHttp(reportPanel, { user: watcher, query: { job: theirs.id }, headers: htmx }, ctx)
    ).text();
    expect(panel).not.toContain(theirs.id);
    expect(panel).not.toContain('hx-trigger');

    const mine = fakes.jobs.add({
      kind: 'notes_task_report',
      payload: { ownerId: watcher.id },
      status: 'dead',
      error: 'NOT_FOUND: boom',
    });
    const failed = await (
      await callHttp(reportPanel, { user: watcher, query: { job: mine.id }, headers: htmx }, ctx)
    ).text();
    expect(failed).toContain('could not be generated: NOT_FOUND: boom');
    expect(failed).toContain(`href="/jobs/${mine.id}"`);
  });

  it('says so when the queue is down, without a job to poll', async () => {
    fakes.queue.failWith = new QueueUnavailableError('down');
    try {
      const res = await callHttp(generateReport, { user: owner, headers: htmx }, ctx);
      const text = await res.text();
      expect(text).toContain('the job queue is unavailable');
      expect(text).not.toContain('hx-trigger');
      const plain = await callHttp(generateReport, { user: owner, headers: plainForm }, ctx);
      expect(plain.status).toBe(303);
      expect(flashOf(plain)[0]).toMatchObject({ type: 'error' });
    } finally {
      fakes.queue.failWith = undefined;
    }
  });

  it('refreshes the counts fragment and shows admins every owner', async () => {
    const strip = await (await callHttp(statsPanel, { user: owner }, ctx)).text();
    expect(strip).toMatch(/^<p id="stats-strip"/);
    expect(strip).toContain('hx-trigger="notes-changed from:body"');

    const admin = await insertUser(db, { email: 'boss@example.com', role: 'admin' });
    const text = await (await callHttp(page, { user: admin, query: {} }, ctx)).text();
    expect(text).toContain('All owners');
    expect(text).toContain('pages@example.com');
    expect(text).toContain('stranger@example.com');
  });
});
