import type { Queryable } from '../../../shared/db/port.ts';
import type { Task, TaskCreate, TaskPage, TaskStatus, TaskUpdate } from './model.ts';

/**
 * SQL for `notes.tasks`, one statement per operation, always parameterized.
 *
 * Reads and writes by id take the caller's `ownerScope`: an owner id restricts the statement to
 * that owner's rows, `null` (admins) lets it reach any row. Another owner's task is simply not
 * found, so callers cannot tell it from a task that does not exist.
 *
 * @example
 *   const task = await insertTask(db, ownerId, { title: 'Buy milk', description: '', status: 'todo' });
 *   await findTask(db, task.id, otherOwnerId); // undefined
 *   await findTask(db, task.id, null); // the task (admin)
 */
export type OwnerScope = string | null;

interface TaskRow {
  id: string;
  owner_id: string;
  title: string;
  description: string;
  status: TaskStatus;
  created_at: Date | string;
  updated_at: Date | string;
  total?: number;
}

const COLUMNS = 'id, owner_id, title, description, status, created_at, updated_at';

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

// A null status matches every status, so one constant statement serves both listings. The id
// breaks ties between tasks created in the same microsecond, so pages never overlap.
const LIST_SQL = `
  select ${COLUMNS}, count(*) over ()::int as total
  from notes.tasks
  where owner_id = $1 and ($2::text is null or status = $2)
  order by created_at desc, id desc
  limit $3 offset $4`;

const COUNT_SQL = `
  select count(*)::int as total
  from notes.tasks
  where owner_id = $1 and ($2::text is null or status = $2)`;

export interface ListTasksOptions {
  ownerId: string;
  status?: TaskStatus | undefined;
  limit: number;
  offset: number;
}

/** One page of an owner's tasks, newest first. An offset past the end gives no items and the real total. */
export async function listTasks(db: Queryable, options: ListTasksOptions): Promise<TaskPage> {
  const { ownerId, limit, offset } = options;
  const status = options.status ?? null;
  const { rows } = await db.query<TaskRow>(LIST_SQL, [ownerId, status, limit, offset]);
  // Past the end the window count is missing with the rows; count separately only then.
  const total =
    rows[0]?.total ??
    (offset === 0 ? 0 : (await db.query<{ total: number }>(COUNT_SQL, [ownerId, status])).rows[0]!.total);
  return { items: rows.map(toTask), total, limit, offset };
}

export async function findTask(db: Queryable, id: string, scope: OwnerScope): Promise<Task | undefined> {
  const { rows } = await db.query<TaskRow>(
    `select ${COLUMNS} from notes.tasks where id = $1 and ($2::uuid is null or owner_id = $2)`,
    [id, scope],
  );
  return rows[0] ? toTask(rows[0]) : undefined;
}

export async function insertTask(db: Queryable, ownerId: string, input: TaskCreate): Promise<Task> {
  const { rows } = await db.query<TaskRow>(
    `insert into notes.tasks (owner_id, title, description, status)
     values ($1, $2, $3, $4)
     returning ${COLUMNS}`,
    [ownerId, input.title, input.description, input.status],
  );
  return toTask(rows[0]!);
}

/** Apply the given fields (absent ones keep their value); undefined when not found in scope. */
export async function updateTask(
  db: Queryable,
  id: string,
  scope: OwnerScope,
  patch: TaskUpdate,
): Promise<Task | undefined> {
  const { rows } = await db.query<TaskRow>(
    `update notes.tasks
     set title = coalesce($3, title),
         description = coalesce($4, description),
         status = coalesce($5, status),
         updated_at = now()
     where id = $1 and ($2::uuid is null or owner_id = $2)
     returning ${COLUMNS}`,
    [id, scope, patch.title ?? null, patch.description ?? null, patch.status ?? null],
  );
  return rows[0] ? toTask(rows[0]) : undefined;
}

/** Done ↔ to do, in one statement (no read-modify-write race); undefined when not found in scope. */
export async function toggleTask(db: Queryable, id: string, scope: OwnerScope): Promise<Task | undefined> {
  const { rows } = await db.query<TaskRow>(
    `update notes.tasks
     set status = case when status = 'done' then 'todo' else 'done' end,
         updated_at = now()
     where id = $1 and ($2::uuid is null or owner_id = $2)
     returning ${COLUMNS}`,
    [id, scope],
  );
  return rows[0] ? toTask(rows[0]) : undefined;
}

/** The deleted task's owner (to invalidate their caches); undefined when not found in scope. */
export async function deleteTask(db: Queryable, id: string, scope: OwnerScope): Promise<string | undefined> {
  const { rows } = await db.query<{ owner_id: string }>(
    `delete from notes.tasks where id = $1 and ($2::uuid is null or owner_id = $2) returning owner_id`,
    [id, scope],
  );
  return rows[0]?.owner_id;
}
