import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import people from '../app.ts';
import { personFor } from '../lib/people-generator.ts';
import { providerFor } from '../lib/provider.ts';
import { PAGE_SIZE, syncUsers } from '../lib/sync-users.ts';
import { createPgDb } from '../../../shared/db/pg.ts';
import { withClient } from '../../../scripts/bench/helpers.ts';
import type { BenchRun } from '../../../scripts/bench/run.ts';
import { defineSection, versus } from '../../../scripts/bench/section.ts';

/**
 * The People users sync of 10,000 provider users over HTTP, against a raw baseline in the same
 * run: the same pages fetched with plain `fetch` and each upserted with one hand-written multi-row
 * statement, on the same Postgres, from the same provider server. Each side runs twice on an empty
 * table; the better run counts.
 */

export default defineSection({
  name: 'people',
  description: (s) => `users sync of ${s.peopleUsers} provider users, raw then ours, twice each`,
  needs: ['postgres'],
  run: benchPeople,
  report: (result) => ({
    figures: [
      // Target of issue 12: the sync at 0.8x or more of the hand-written fetch + upsert.
      versus(
        `People: users sync of ${result.users} provider users over HTTP [raw: fetch + one upsert per page]`,
        'users/s',
        result.ours.usersPerSecond,
        result.raw.usersPerSecond,
        0.8,
      ),
    ],
    // The run is invalid when either side did not write every user.
    problems: (['ours', 'raw'] as const)
      .filter((side) => result[side].inserted !== result.users)
      .map((side) => `${side} wrote ${result[side].inserted} of ${result.users} users`),
  }),
});

type Sync = { seconds: number; inserted: number };

async function benchPeople(run: BenchRun) {
  const users = run.settings.peopleUsers;
  const provider = await startProvider(users);
  run.defer(provider.close);
  const db = createPgDb(run.databaseUrl, { max: 2 });
  run.defer(() => db.close());
  const empty = () => db.query('truncate people.users, people.sync_runs cascade');

  const settings = people.config({ env: { PEOPLE_USERS_API_URL: provider.url } });
  const log = pino({ level: 'silent' });
  const ours = async () => {
    await empty();
    const started = performance.now();
    const outcome = await syncUsers(db, providerFor('users', { settings, db, log }), {
      leaseSeconds: 60,
      log,
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, inserted: outcome.status === 'succeeded' ? outcome.inserted : 0 };
  };
  const raw = async () => {
    await empty();
    return rawSync(run.databaseUrl, provider.url);
  };
  const best = (a: Sync, b: Sync) => (a.seconds <= b.seconds ? a : b);
  const rawBest = best(await raw(), await raw());
  const oursBest = best(await ours(), await ours());
  return {
    users,
    ours: { ...oursBest, usersPerSecond: users / oursBest.seconds },
    raw: { ...rawBest, usersPerSecond: users / rawBest.seconds },
  };
}

/** A DummyJSON-shaped provider of `total` people, over HTTP on a free port. */
async function startProvider(total: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://bench');
    const limit = Number(url.searchParams.get('limit') ?? 30);
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const page = [];
    for (let id = skip + 1; id <= Math.min(skip + limit, total); id++) page.push(personFor(id));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ users: page, total, skip, limit }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The provider's fields, in the order of the columns the baseline upserts. */
const FIELDS = ['id', 'firstName', 'lastName', 'email', 'phone', 'username', 'birthDate', 'gender', 'image'];

/** The baseline: fetch each page, upsert it with one statement. No checks, no retries, no runs. */
async function rawSync(databaseUrl: string, url: string): Promise<Sync> {
  return withClient(databaseUrl, async (client) => {
    const started = performance.now();
    let inserted = 0;
    for (let skip = 0; ; skip += PAGE_SIZE) {
      const page = (await (await fetch(`${url}/users?limit=${PAGE_SIZE}&skip=${skip}`)).json()) as {
        users: Array<Record<string, unknown>>;
        total: number;
      };
      if (page.users.length === 0) break;
      const result = await client.query(
        `insert into people.users (external_id, first_name, last_name, email, phone, username, birth_date, gender, image)
         select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[], $9::text[])
         on conflict (external_id) do update
            set first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
                phone = excluded.phone, username = excluded.username, birth_date = excluded.birth_date,
                gender = excluded.gender, image = excluded.image, seen_at = now()`,
        FIELDS.map((field) => page.users.map((user) => user[field] ?? null)),
      );
      inserted += result.rowCount ?? 0;
      if (skip + PAGE_SIZE >= page.total) break;
    }
    return { seconds: (performance.now() - started) / 1000, inserted };
  });
}
