import * as z from 'zod';

/**
 * Bodies of the page forms, taken loosely (any text) so that a refused value is answered on the
 * page (an error next to the form, or a flash message) rather than with the platform's JSON 400.
 * The handlers then check them with the model's schemas (taskCreateSchema, taskUpdateSchema).
 */
const text = z.string().max(100_000).optional();

export const taskFormBody = z.object({
  title: text,
  description: text,
  status: text,
  /** The dashboard's status filter when the form was shown, to refresh the same list. */
  view_status: text,
});

export type TaskFormBody = z.infer<typeof taskFormBody>;
