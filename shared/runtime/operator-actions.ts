import type { OperatorAction } from '../contract/context.ts';
import type { Queryable } from '../db/port.ts';

/**
 * What operators did from the console (replays, purges, retries, cancels, schedules run now):
 * who, when, what and to how many, in Postgres (sql/0016), so it outlives the logs.
 */
export async function recordAction(
  db: Queryable,
  action: Omit<OperatorAction, 'at' | 'detail'> & { detail?: string },
): Promise<void> {
  await db.query(
    `insert into console_actions (actor, action, target, count, detail) values ($1, $2, $3, $4, $5)`,
    [action.actor, action.action, action.target, action.count, action.detail ?? null],
  );
}

export async function recentActions(db: Queryable, limit: number): Promise<OperatorAction[]> {
  const { rows } = await db.query<OperatorAction & { at: Date | string }>(
    `select at, actor, action, target, count, detail from console_actions order by at desc, id desc limit $1`,
    [limit],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}
