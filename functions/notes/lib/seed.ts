import type { Logger } from 'pino';
import type { Db } from '../../../shared/db/port.ts';
import type { TaskStatus } from './model.ts';

/** Advisory lock key ("note"): two processes starting at once seed only once. */
const SEED_LOCK_KEY = 0x6e6f7465;

/** Demo tasks: [title, description, status, created days ago, last changed days ago]. */
const DEMO_TASKS: readonly [string, string, TaskStatus, number, number][] = [
  ['Read the Notes API docs', 'Open /docs and try GET /notes/api/tasks with a bearer token.', 'done', 9, 6],
  ['Generate a task report', 'Press "Generate report" and watch the panel update itself.', 'todo', 3, 3],
  ['Invite a teammate', 'They register at /auth/register and get a dashboard of their own.', 'todo', 2, 2],
  [
    'Check the cache metrics',
    'cache_requests_total{namespace_group="notes:tasks"} on /metrics.',
    'in_progress',
    5,
    1,
  ],
  ['Plan the next sprint', '', 'in_progress', 1, 0],
];

/**
 * Demo tasks for the first admin account (the one the runner creates from ADMIN_EMAIL), so a
 * fresh embedded start shows a populated dashboard. Notes data belongs to accounts, so nothing
 * is seeded before an admin exists (the next start seeds then), and other users start empty.
 * Idempotent: seeding happens once per database (notes.demo_seeds), even if the admin deletes
 * the demo tasks.
 *
 * @example
 *   await seed(db, log); // { seeded: 5 } the first time an admin exists, { seeded: 0 } afterwards
 */
export async function seed(db: Db, log: Logger): Promise<{ seeded: number }> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const { rows } = await tx.query<{ id: string }>(
      `select u.id from auth.users u
       where u.role = 'admin' and not exists (select 1 from notes.demo_seeds)
       order by u.created_at, u.id
       limit 1`,
    );
    const ownerId = rows[0]?.id;
    if (!ownerId) return { seeded: 0 };
    const { rowCount } = await tx.query(
      `insert into notes.tasks (owner_id, title, description, status, created_at, updated_at)
       select $1, d.title, d.description, d.status,
              now() - make_interval(days => d.created_days), now() - make_interval(days => d.changed_days)
       from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[])
         as d(title, description, status, created_days, changed_days)`,
      [
        ownerId,
        DEMO_TASKS.map((t) => t[0]),
        DEMO_TASKS.map((t) => t[1]),
        DEMO_TASKS.map((t) => t[2]),
        DEMO_TASKS.map((t) => t[3]),
        DEMO_TASKS.map((t) => t[4]),
      ],
    );
    await tx.query('insert into notes.demo_seeds (owner_id) values ($1)', [ownerId]);
    log.info({ ownerId, seeded: rowCount }, 'Notes demo tasks seeded for the first admin');
    return { seeded: rowCount };
  });
}
