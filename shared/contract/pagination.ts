import * as z from 'zod';

/**
 * The one pagination convention of every listing API: `limit` (1..100, default 20) and `offset`
 * (from 0) in, `{items, total, limit, offset}` out. An offset past the end answers no items and
 * the real total, so a client can tell where the end is.
 */
export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 20;
/** Deep offsets cost a long scan and nobody pages that far by hand: a clear 400 instead. */
export const MAX_PAGE_OFFSET = 100_000;

/**
 * The query fields of a listing, to spread into its query schema.
 *
 * @example
 *   const query = z.object({ status: statusSchema.optional(), ...pageQueryFields });
 */
export const pageQueryFields = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .describe(`Items per page, 1..${MAX_PAGE_LIMIT}`),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_PAGE_OFFSET)
    .default(0)
    .describe('Items to skip (0 for the first page)'),
};

export interface Page<T> {
  items: T[];
  /** Items matching the filters, on every page. */
  total: number;
  limit: number;
  offset: number;
}

/**
 * The response schema of a listing of `item`, for the OpenAPI document.
 *
 * @example
 *   responses: { 200: { description: 'One page of tasks', schema: pageSchema(taskSchema) } }
 */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}
