import type { AuthUser, HttpCtx } from '../../../shared/contract/index.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { taskScope } from './access.ts';
import {
  ALL_STATS_NAMESPACE,
  invalidateOwner,
  statsNamespace,
  tasksNamespace,
  TTL_SECONDS,
} from './cache.ts';
import type { Task, TaskCreate, TaskPage, TaskUpdate } from './model.ts';
import { allOwnerStats, ownerStats, type AllOwnerStats, type OwnerStats } from './stats-store.ts';
import {
  deleteTask,
  findTask,
  insertTask,
  listTasks,
  toggleTask,
  updateTask,
  type ListTasksOptions,
} from './tasks-store.ts';

/**
 * The Notes operations the API and the pages share: the store's SQL with access rules and the
 * cache around it. Reads of listings and statistics go through the cache; every change is one
 * statement (committed when it returns) and then clears the owner's namespaces.
 *
 * @example
 *   const task = await createTaskFor(ctx, req.user.id, body);
 *   const page = await listTasksCached(ctx, { ownerId: req.user.id, limit: 20, offset: 0 });
 */
export type NotesCtx = Pick<HttpCtx, 'db' | 'cache'>;

const notFound = (id: string) => new NotFoundError(`No task with id ${id}`);

export function listTasksCached(ctx: NotesCtx, options: ListTasksOptions): Promise<TaskPage> {
  const { ownerId, status, limit, offset } = options;
  return ctx.cache.readThrough(
    { namespace: tasksNamespace(ownerId), key: [status ?? 'all', limit, offset], ttlSeconds: TTL_SECONDS },
    () => listTasks(ctx.db, options),
  );
}

export function ownerStatsCached(ctx: NotesCtx, ownerId: string): Promise<OwnerStats> {
  return ctx.cache.readThrough({ namespace: statsNamespace(ownerId), key: [], ttlSeconds: TTL_SECONDS }, () =>
    ownerStats(ctx.db, ownerId),
  );
}

export function allOwnerStatsCached(ctx: NotesCtx): Promise<AllOwnerStats> {
  return ctx.cache.readThrough({ namespace: ALL_STATS_NAMESPACE, key: [], ttlSeconds: TTL_SECONDS }, () =>
    allOwnerStats(ctx.db),
  );
}

/** A task the user may see (their own; any for admins), else NotFoundError. */
export async function getTaskAs(ctx: NotesCtx, user: AuthUser, id: string): Promise<Task> {
  const task = await findTask(ctx.db, id, taskScope(user));
  if (!task) throw notFound(id);
  return task;
}

/** The owner is always the signed-in user: nothing in the input can choose another. */
export async function createTaskFor(ctx: NotesCtx, ownerId: string, input: TaskCreate): Promise<Task> {
  const task = await insertTask(ctx.db, ownerId, input);
  await invalidateOwner(ctx.cache, ownerId);
  return task;
}

export async function updateTaskAs(
  ctx: NotesCtx,
  user: AuthUser,
  id: string,
  patch: TaskUpdate,
): Promise<Task> {
  const task = await updateTask(ctx.db, id, taskScope(user), patch);
  if (!task) throw notFound(id);
  // The task's owner, which for an admin's change is not the admin.
  await invalidateOwner(ctx.cache, task.ownerId);
  return task;
}

export async function toggleTaskAs(ctx: NotesCtx, user: AuthUser, id: string): Promise<Task> {
  const task = await toggleTask(ctx.db, id, taskScope(user));
  if (!task) throw notFound(id);
  await invalidateOwner(ctx.cache, task.ownerId);
  return task;
}

export async function deleteTaskAs(ctx: NotesCtx, user: AuthUser, id: string): Promise<void> {
  const ownerId = await deleteTask(ctx.db, id, taskScope(user));
  if (!ownerId) throw notFound(id);
  await invalidateOwner(ctx.cache, ownerId);
}
