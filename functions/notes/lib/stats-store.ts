import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';

/**
 * Task counts by status: one owner's (everybody's dashboard) and every owner's (admins).
 *
 * @example
 *   await ownerStats(db, ownerId); // { ownerId, total: 3, todo: 1, inProgress: 1, done: 1, completionRate: 0.3333 }
 *   await allOwnerStats(db); // { owners: [{ ownerId, email, ... }], totals: { owners: 2, total: 5, ... } }
 */
export interface StatusCounts {
  total: number;
  todo: number;
  inProgress: number;
  done: number;
  /** done / total, rounded to 4 decimals; 0 without tasks. */
  completionRate: number;
}

export interface OwnerStats extends StatusCounts {
  ownerId: string;
}

export interface OwnerStatsWithEmail extends OwnerStats {
  email: string;
}

export interface AllOwnerStats {
  owners: OwnerStatsWithEmail[];
  totals: StatusCounts & { owners: number };
}

interface CountsRow {
  total: number;
  todo: number;
  in_progress: number;
  done: number;
}

/** Computed here rather than in SQL: the drivers return `numeric` differently, integers alike. */
export function completionRate(done: number, total: number): number {
  return total === 0 ? 0 : Math.round((done / total) * 10_000) / 10_000;
}

function toCounts(row: CountsRow | undefined): StatusCounts {
  const { total = 0, todo = 0, in_progress: inProgress = 0, done = 0 } = row ?? {};
  return { total, todo, inProgress, done, completionRate: completionRate(done, total) };
}

const COUNT_COLUMNS = `
  count(t.id)::int as total,
  count(*) filter (where t.status = 'todo')::int as todo,
  count(*) filter (where t.status = 'in_progress')::int as in_progress,
  count(*) filter (where t.status = 'done')::int as done`;

export async function ownerStats(db: Queryable, ownerId: string): Promise<OwnerStats> {
  const { rows } = await db.query<CountsRow>(
    `select ${COUNT_COLUMNS} from notes.tasks t where t.owner_id = $1`,
    [ownerId],
  );
  return { ownerId, ...toCounts(rows[0]) };
}

/** Every account, including those without tasks (all zero), by email. */
export async function allOwnerStats(db: Queryable): Promise<AllOwnerStats> {
  const { rows } = await db.query<CountsRow & { owner_id: string; email: string }>(
    `select u.id as owner_id, u.email, ${COUNT_COLUMNS}
     from auth.users u
     left join notes.tasks t on t.owner_id = u.id
     group by u.id, u.email
     order by u.email`,
  );
  const owners = rows.map((row) => ({ ownerId: row.owner_id, email: row.email, ...toCounts(row) }));
  const sum = (pick: (o: StatusCounts) => number) => owners.reduce((n, o) => n + pick(o), 0);
  const totals = toCounts({
    total: sum((o) => o.total),
    todo: sum((o) => o.todo),
    in_progress: sum((o) => o.inProgress),
    done: sum((o) => o.done),
  });
  return { owners, totals: { owners: owners.length, ...totals } };
}

/** Response shapes for the OpenAPI document. */
const statusCountsShape = {
  total: z.number().int(),
  todo: z.number().int(),
  inProgress: z.number().int(),
  done: z.number().int(),
  completionRate: z.number().describe('done / total, 0..1'),
};

export const ownerStatsSchema = z.object({ ownerId: z.uuid(), ...statusCountsShape });

export const allOwnerStatsSchema = z.object({
  owners: z.array(z.object({ ownerId: z.uuid(), email: z.string(), ...statusCountsShape })),
  totals: z.object({ owners: z.number().int(), ...statusCountsShape }),
}) satisfies z.ZodType<AllOwnerStats>;
