import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personFor } from '../../functions/people/lib/people-generator.ts';
import type { Person } from '../../functions/people/lib/schemas.ts';
import type { Page } from '../../shared/contract/pagination.ts';
import { loadConfig } from '../../shared/config.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import type { Runner } from '../../shared/runtime/runner.ts';
import { startAdminRunner, type AdminRunner } from '../helpers/admin-runner.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createTestDriver, stacks, type TestDriver } from '../helpers/platform.ts';

/**
 * The People app through the whole runner (HTTP → job → broker → task → provider emulator →
 * Postgres → API and page), on every stack: the task path is the same code on each driver, and
 * each driver delivers it differently.
 */
type PersonPage = Page<Person>;

let manifest: Manifest;
beforeAll(async () => {
  manifest = await loadManifest();
});

describe.each(stacks)('People end to end on $name', (stack) => {
  let runner: Runner;
  let testDb: TestDb;
  let testDriver: TestDriver;
  let api: AdminRunner['api'];
  let finished: AdminRunner['finished'];

  beforeAll(async () => {
    testDb = await createTestDb(stack.db);
    testDriver = await createTestDriver(stack.queue);
    // The admin runner has no scheduler role: only the syncs this test asks for run.
    const config = loadConfig(testDriver.env);
    ({ runner, api, finished } = await startAdminRunner({
      db: testDb.db,
      driver: testDriver.driver,
      config,
      manifest,
    }));
  }, 60_000);
  afterAll(async () => {
    await runner?.stop();
    await testDriver?.cleanup(topologyOf(manifest).queues.map((queue) => queue.name));
    await testDb?.drop();
  });

  const sync = async (kind: string) => {
    const response = await api(`/people/sync/${kind}`, { method: 'POST' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { ok: boolean; queued: boolean; kind: string; jobId: string };
    expect(body).toMatchObject({ ok: true, queued: true, kind: expect.stringMatching(/^people\./) });
    return finished(body.jobId);
  };

  it('syncs the users, then gives them addresses and cards, shown masked', async () => {
    const users = await sync('users');
    expect(users).toMatchObject({ status: 'succeeded', result: { status: 'succeeded', inserted: 300 } });
    const all = (await (await api('/people/users?limit=5')).json()) as PersonPage;
    expect(all).toMatchObject({ total: 300, limit: 5, offset: 0 });
    expect(all.items).toHaveLength(5);
    expect(await (await api('/people/users?has_address=true')).json()).toMatchObject({ total: 0 });

    expect(await sync('addresses')).toMatchObject({ result: { linked: 20 } });
    expect(await sync('cards')).toMatchObject({ result: { linked: 20 } });
    const withBoth = (await (
      await api('/people/users?has_address=true&has_card=true&limit=1')
    ).json()) as PersonPage;
    expect(withBoth.total).toBe(20);
    const first = withBoth.items[0]!;
    const person = personFor(first.externalId);
    expect(first.card).toEqual({
      brand: person.bank.cardType,
      number: `**** **** **** ${person.bank.cardNumber.slice(-4)}`,
      expires: expect.stringMatching(/^\d{2}\/20\d{2}$/),
    });
    const one = await api(`/people/users/${first.id}`);
    expect(await one.json()).toEqual(first);

    const page = await api('/people/users/ui', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(`**** **** **** ${person.bank.cardNumber.slice(-4)}`);
    expect(text).not.toContain(person.bank.cardNumber);
    expect(text).toMatch(/Sync now/);
  });

  it('answers bad filters and ids with a 400 that says why, and an unknown id with 404', async () => {
    const bad = await api('/people/users?has_address=yes');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('expected true or false');
    expect((await api('/people/users?limit=0')).status).toBe(400);
    expect((await api('/people/users?limit=101')).status).toBe(400);
    expect((await api('/people/users?offset=-1')).status).toBe(400);
    expect((await api('/people/users/abc')).status).toBe(400);
    expect((await api('/people/users/999999')).status).toBe(404);
  });

  it('does not queue a sync of a kind that is running', async () => {
    await testDb.db.query(
      `insert into people.sync_runs (kind, lease_until) values ('cards', now() + interval '1 minute')`,
    );
    const response = await api('/people/sync/cards', { method: 'POST' });
    expect(response.status).toBe(409);
    expect(JSON.stringify(await response.json())).toContain('already running');
    await testDb.db.query(`delete from people.sync_runs where kind = 'cards' and status = 'running'`);
  });
});
