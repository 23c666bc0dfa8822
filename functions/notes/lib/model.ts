import * as z from 'zod';
import { pageQueryFields, pageSchema, type Page } from '../../../shared/contract/pagination.ts';

/**
 * The Notes app's data and its input schemas. Limits mirror the checks in sql/0004_notes.sql.
 *
 * Unknown fields are stripped, never applied and never an error: browser forms carry `_csrf`
 * next to their fields, and a client sending `owner_id`, `id` or `role` gets exactly what it
 * would get without them (the owner is always the signed-in user).
 *
 * @example
 *   taskCreateSchema.parse({ title: ' Buy milk ', owner_id: 'x' }); // { title: 'Buy milk', description: '', status: 'todo' }
 */
export const TASK_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
};

export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 2000;

export interface Task {
  id: string;
  ownerId: string;
  title: string;
  description: string;
  status: TaskStatus;
  /** ISO timestamps. */
  createdAt: string;
  updatedAt: string;
}

export type TaskPage = Page<Task>;

/** A blank form field means "not given". */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const statusSchema = z.enum(TASK_STATUSES);
const titleSchema = z.string().trim().min(1, 'must not be empty').max(MAX_TITLE_LENGTH);
const descriptionSchema = z.string().trim().max(MAX_DESCRIPTION_LENGTH);

export const taskCreateSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.default(''),
  status: z.preprocess(blankToUndefined, statusSchema.default('todo')),
});
export type TaskCreate = z.infer<typeof taskCreateSchema>;

export const taskUpdateSchema = z
  .object({
    title: titleSchema.optional(),
    // An empty description is a real value (clearing it), so it is not blank-to-undefined.
    description: descriptionSchema.optional(),
    status: z.preprocess(blankToUndefined, statusSchema.optional()),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'give at least one of title, description, status',
  });
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

export const taskIdParams = z.object({ id: z.uuid() });

export const taskListQuerySchema = z.object({
  status: z.preprocess(blankToUndefined, statusSchema.optional()),
  ...pageQueryFields,
  /** Admins only: list another owner's tasks. */
  owner_id: z.preprocess(blankToUndefined, z.uuid().optional()),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

/** Response shapes for the OpenAPI document. */
export const taskSchema = z.object({
  id: z.uuid(),
  ownerId: z.uuid(),
  title: z.string(),
  description: z.string(),
  status: statusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<Task>;

export const taskPageSchema = pageSchema(taskSchema) satisfies z.ZodType<TaskPage>;
