import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prune from '../../functions/platform/prune.ts';
import { loadConfig } from '../../shared/config.ts';
import type { Db } from '../../shared/db/port.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import { createPlatform } from '../../shared/runtime/platform.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';
import { testLog } from '../helpers/platform.ts';

describe.each(dbBackends)('platform prune on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ db, drop } = await createTestDb(backend)));
  afterAll(() => drop?.());

  it('deletes inbox rows, sent outbox rows, finished jobs, sessions and throttle rows past their time, and nothing else', async () => {
    const inboxRow = (daysAgo: number) =>
      db.query(
        `insert into inbox (message_id, queue, kind, processed_at) values ($1, 'q', 'k', now() - make_interval(days => $2))`,
        [randomUUID(), daysAgo],
      );
    const jobRow = (status: string, daysAgo: number | null) =>
      db.query(
        `insert into jobs (id, kind, status, correlation_id, finished_at)
         values ($1, 'k', $2, 'c', case when $3::int is null then null else now() - make_interval(days => $3::int) end)`,
        [randomUUID(), status, daysAgo],
      );
    await inboxRow(10);
    await inboxRow(1);
    const outboxRow = (sentDaysAgo: number | null, createdDaysAgo: number) =>
      db.query(
        `insert into outbox (message_id, kind, envelope, created_at, sent_at)
         values ($1, 'k', '{}', now() - make_interval(days => $3::int),
                 case when $2::int is null then null else now() - make_interval(days => $2::int) end)`,
        [randomUUID(), sentDaysAgo, createdDaysAgo],
      );
    await outboxRow(10, 10); // sent long ago: goes
    await outboxRow(1, 1); // sent lately: stays
    await outboxRow(null, 30); // never sent: stays, however old
    await jobRow('succeeded', 40);
    await jobRow('dead', 40);
    await jobRow('succeeded', 5);
    await jobRow('queued', null);
    await jobRow('running', null);
    const sessionRow = (lastSeenMinutesAgo: number, expiresInMinutes: number) =>
      db.query(
        `insert into auth.sessions (token_hash, csrf_token, created_at, last_seen_at, expires_at)
         values ($1, 'csrf', now() - interval '1 day', now() - make_interval(mins => $2), now() + make_interval(mins => $3))`,
        [randomUUID(), lastSeenMinutesAgo, expiresInMinutes],
      );
    await sessionRow(5, 60); // live
    await sessionRow(120, 60); // idle past SESSION_IDLE_S
    await sessionRow(5, -1); // past its absolute deadline
    const throttleRow = (minutesAgo: number) =>
      db.query(
        `insert into auth.throttle_log (key, at) values ('ip:203.0.113.9', now() - make_interval(mins => $1))`,
        [minutesAgo],
      );
    await throttleRow(5); // still counted by the login window
    await throttleRow(90); // older than every window

    const config = loadConfig({
      INBOX_RETENTION_DAYS: '7',
      JOBS_RETENTION_DAYS: '30',
      SESSION_IDLE_S: '3600',
      LOGIN_WINDOW_S: '900',
      SIGNUP_WINDOW_S: '3600',
    });
    const manifest = buildManifest([{ file: 'functions/platform/prune.ts', module: { default: prune } }]);
    const platform = createPlatform({ config, log: testLog, db, driver: createMemoryDriver(), manifest });
    const message = {
      id: randomUUID(),
      kind: 'platform_prune',
      attempt: 1,
      maxAttempts: 5,
      correlationId: 'c',
    };
    const result = await db.transaction((tx) => prune.handler({}, platform.taskCtx(tx, message, testLog)));

    expect(result).toEqual({
      inboxDeleted: 1,
      outboxDeleted: 1,
      jobsDeleted: 2,
      sessionsDeleted: 2,
      throttleRowsDeleted: 1,
    });
    expect((await db.query('select 1 from outbox')).rowCount).toBe(2);
    const { rows } = await db.query<{ status: string }>('select status from jobs order by status');
    expect(rows.map((r) => r.status)).toEqual(['queued', 'running', 'succeeded']);
    expect((await db.query('select 1 from inbox')).rowCount).toBe(1);
    expect((await db.query('select 1 from auth.sessions')).rowCount).toBe(1);
    expect((await db.query('select 1 from auth.throttle_log')).rowCount).toBe(1);
  });
});
