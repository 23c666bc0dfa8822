import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import people from '../../functions/people/app.ts';
import { enrich } from '../../functions/people/lib/enrich.ts';
import { EMULATED_PEOPLE, personFor } from '../../functions/people/lib/people-generator.ts';
import { providerFor } from '../../functions/people/lib/provider.ts';
import { answer, clearFaults, queueFaults } from '../../functions/people/lib/provider-emulator.ts';
import { syncUsers } from '../../functions/people/lib/sync-users.ts';
import type { Db } from '../../shared/db/port.ts';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { ProviderError } from '../../shared/provider/json-client.ts';
import { dbBackends, useTestDb } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';

/** The sync and the enrichments against the bundled provider emulator and its faults. */
const settings = people.config({ env: { PEOPLE_REQUEST_TIMEOUT_MS: '300' } });
const CARD_KEY = Buffer.from('a test key for card hashes, 32 bytes or more');

describe.each(dbBackends)('the people sync on %s', (backend) => {
  const test = useTestDb(backend);
  let db: Db;
  beforeEach(async () => {
    db = test.db;
    await db.query('truncate people.users, people.sync_runs cascade');
    await clearFaults(db);
  });

  const setup = (log = testLog) => {
    const metrics = createMetrics();
    const provider = (api: 'users' | 'addresses' | 'cards') =>
      providerFor(api, { settings, db, log, metrics });
    const requests = async (outcome: string) =>
      (await metrics.providerRequests.get()).values
        .filter((v) => v.labels.outcome === outcome)
        .reduce((sum, v) => sum + v.value, 0);
    const sync = () => syncUsers(db, provider('users'), { leaseSeconds: 30, log });
    const enrichment = (what: 'addresses' | 'cards', batchSize = 50) =>
      enrich(db, what, provider(what), { batchSize, leaseSeconds: 30, cardKey: CARD_KEY, log });
    return { sync, enrichment, requests };
  };
  const count = async (sql: string) => Number((await db.query<{ n: number }>(sql)).rows[0]!.n);

  it('adds every user once, and changes nothing the second time', async () => {
    const { sync } = setup();
    expect(await sync()).toMatchObject({
      status: 'succeeded',
      fetched: 300,
      inserted: 300,
      updated: 0,
      complete: true,
    });
    expect(await sync()).toMatchObject({
      status: 'succeeded',
      fetched: 300,
      inserted: 0,
      updated: 0,
      missing: 0,
    });
    expect(await count('select count(*)::int as n from people.users')).toBe(EMULATED_PEOPLE);
    expect(await count('select count(distinct external_id)::int as n from people.users')).toBe(
      EMULATED_PEOPLE,
    );
    const { rows } = await db.query(
      `select first_name, email, birth_date::text from people.users where external_id = 7`,
    );
    const person = personFor(7);
    expect(rows[0]).toMatchObject({ first_name: person.firstName, email: person.email });
  });

  it('updates a field the provider changed, and marks (keeps) a user it no longer lists', async () => {
    const { sync } = setup();
    await sync();
    await db.query(`update people.users set email = 'old@example.com' where external_id = 5`);
    await db.query(
      `insert into people.users (external_id, first_name, last_name, email) values (9999, 'Gone', 'User', 'gone@example.com')`,
    );
    expect(await sync()).toMatchObject({ inserted: 0, updated: 1, missing: 1 });
    const { rows } = await db.query<{ external_id: string; email: string; missing: boolean }>(
      `select external_id::text, email, missing_since is not null as missing from people.users
        where external_id in (5, 9999) order by external_id`,
    );
    expect(rows).toEqual([
      { external_id: '5', email: personFor(5).email, missing: false },
      { external_id: '9999', email: 'gone@example.com', missing: true },
    ]);
  });

  it('rides out 429 (waiting as Retry-After asks), 500, a slow answer and a cut body', async () => {
    const { sync, requests } = setup();
    // Four failures of the first request: the fifth and last attempt gets the page.
    await queueFaults(db, ['rate_limit', 'server_error', 'slow', 'truncated']);
    const started = performance.now();
    expect(await sync()).toMatchObject({ status: 'succeeded', fetched: 300, inserted: 300, complete: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000); // the Retry-After
    expect(await requests('retried')).toBe(4);
    expect(await requests('failed')).toBe(0);
  });

  it('asks again for a page the provider repeated, and still reads the whole listing', async () => {
    const base = providerFor('users', { settings, db, log: testLog });
    const asked: number[] = [];
    const provider = {
      ...base,
      // Once the first page is read, the provider answers the next request with it again.
      fetchUsers: async (skip: number, limit: number) => {
        asked.push(skip);
        const page = await base.fetchUsers(skip, limit);
        if (skip === 0) await queueFaults(db, ['repeat_page']);
        return page;
      },
    };
    const outcome = await syncUsers(db, provider, { leaseSeconds: 30, log: testLog });
    expect(asked).toEqual([0, 100, 100, 200]);
    expect(outcome).toMatchObject({ status: 'succeeded', complete: true, inserted: 300, fetched: 300 });
  });

  it('fails on an answer of the wrong shape, naming the field, without a half-written page', async () => {
    const { sync, requests } = setup();
    await queueFaults(db, ['changed_field']);
    const error = await sync().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(
      /people-users: GET .*\/users: unexpected answer: users\.0\.id: /,
    );
    expect(await requests('retried')).toBe(0);
    expect(await count('select count(*)::int as n from people.users')).toBe(0);
    const { rows } = await db.query(`select status, error from people.sync_runs`);
    expect(rows).toEqual([{ status: 'failed', error: (error as Error).message }]);
    // The fault is spent: the task's retry syncs.
    expect(await sync()).toMatchObject({ status: 'succeeded', inserted: 300 });
  });

  it('gives up after 5 attempts at one request, and the run is recorded as failed', async () => {
    const { sync, requests } = setup();
    await queueFaults(db, ['unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable']);
    await expect(sync()).rejects.toThrow(/answered 503/);
    expect(await requests('retried')).toBe(4);
    expect(await requests('failed')).toBe(1);
    expect((await db.query(`select status from people.sync_runs`)).rows).toEqual([{ status: 'failed' }]);
  });

  it('rides out the provider going away mid-sync and coming back on the same port', async () => {
    // The emulator served over real HTTP, as a separate provider would be.
    let served = 0;
    const serve = (port = 0) =>
      new Promise<Server>((resolve) => {
        const server = createServer(async (request, response) => {
          served++;
          const answered = await answer(db, new URL(request.url ?? '/', 'http://provider'));
          response.writeHead(answered.status, Object.fromEntries(answered.headers));
          response.end(await answered.text());
          // Down after the first page, up again 400 ms later.
          if (served === 1) {
            const { port: listening } = server.address() as AddressInfo;
            server.closeAllConnections();
            server.close();
            setTimeout(() => void serve(listening).then((again) => (restarted = again)), 400);
          }
        });
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    let restarted: Server | undefined;
    const first = await serve();
    const { port } = first.address() as AddressInfo;
    try {
      const metrics = createMetrics();
      const remote = people.config({
        env: { PEOPLE_USERS_API_URL: `http://127.0.0.1:${port}`, PEOPLE_REQUEST_TIMEOUT_MS: '300' },
      });
      const provider = providerFor('users', { settings: remote, db, log: testLog, metrics });
      const outcome = await syncUsers(db, provider, { leaseSeconds: 30, log: testLog });
      expect(outcome).toMatchObject({ status: 'succeeded', inserted: 300, complete: true });
      const retried = (await metrics.providerRequests.get()).values.find(
        (v) => v.labels.outcome === 'retried',
      );
      expect(retried?.value).toBeGreaterThan(0);
    } finally {
      restarted?.close();
    }
  });

  it('runs one sync at a time: a second one started meanwhile is skipped', async () => {
    const { sync } = setup();
    await queueFaults(db, ['rate_limit']); // holds the first one for a second
    const [first, second] = await Promise.all([sync(), new Promise((r) => setTimeout(r, 200)).then(sync)]);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(second).toMatchObject({ status: 'skipped', reason: expect.stringContaining('already running') });
  });

  it('gives each user one address and one card, twice over, keeping no card number', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const { sync, enrichment } = setup(log);
    await sync();
    expect(await enrichment('addresses', 120)).toMatchObject({
      status: 'succeeded',
      picked: 120,
      linked: 120,
    });
    expect(await enrichment('addresses', 1000)).toMatchObject({ picked: 180, linked: 180 });
    expect(await enrichment('addresses', 1000)).toMatchObject({ picked: 0, linked: 0 });
    expect(await enrichment('cards', 1000)).toMatchObject({ picked: 300, linked: 300 });
    expect(await count('select count(*)::int as n from people.addresses')).toBe(300);
    expect(
      await count(
        'select count(*)::int as n from (select user_id from people.cards group by user_id having count(*) > 1) x',
      ),
    ).toBe(0);

    const person = personFor(3);
    const { rows } = await db.query(
      `select c.* from people.cards c join people.users u on u.id = c.user_id where u.external_id = 3`,
    );
    const card = rows[0] as Record<string, unknown>;
    expect(card).toMatchObject({ brand: person.bank.cardType, last4: person.bank.cardNumber.slice(-4) });
    expect(card.number_hash).toMatch(/^[0-9a-f]{64}$/);
    const numbers = Array.from({ length: EMULATED_PEOPLE }, (_, i) => personFor(i + 1).bank.cardNumber);
    const stored = JSON.stringify((await db.query('select * from people.cards')).rows);
    expect(numbers.filter((number) => stored.includes(number))).toEqual([]);
    expect(numbers.filter((number) => lines.join('').includes(number))).toEqual([]);
  });

  it('links one address per user even when two enrichments pick the same users', async () => {
    const { sync, enrichment } = setup();
    await sync();
    // Past the lease guard (as two workers with a lost lease could be): the unique user_id holds.
    await db.query(`update people.sync_runs set status = 'succeeded'`);
    const first = enrichment('addresses', 300);
    await new Promise((r) => setTimeout(r, 50));
    await db.query(`update people.sync_runs set status = 'succeeded' where kind = 'addresses'`);
    const results = await Promise.all([first, enrichment('addresses', 300)]);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(await count('select count(*)::int as n from people.addresses')).toBe(300);
  });
});
