import * as z from 'zod';
import { pageQueryFields, pageSchema } from '../../../shared/contract/pagination.ts';

/** Response and query schemas of the Imports API (validation and the OpenAPI document). */

export const importIdParams = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be an import id') });

export const importSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  source: z.enum(['inbox', 'upload', 's3']),
  objectKey: z.string().describe('Where the file is kept in the imports file store'),
  checksum: z.string().describe('SHA-256 of the file, hex'),
  sizeBytes: z.number(),
  status: z.enum(['queued', 'running', 'loaded', 'failed', 'duplicate']),
  duplicateOf: z.string().nullable().describe('For a duplicate: the import that loaded the same bytes'),
  jobId: z.string().nullable(),
  bytesRead: z.number().describe('Progress: bytes of the file staged so far'),
  rowsRead: z.number().describe('Progress: data rows read so far'),
  rowsTotal: z.number().nullable(),
  rowsLoaded: z.number().nullable().describe('Rows inserted or updated in items'),
  rowsStale: z
    .number()
    .nullable()
    .describe('Rows ignored: items already held a newer (or the same) updated_at'),
  rowsFailed: z.number().nullable(),
  error: z.string().nullable().describe('Why a failed import could not read its file'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
});

export const failedRowSchema = z.object({
  lineNumber: z.number().describe('Line of the file where the row starts (the header is line 1)'),
  rawLine: z.string(),
  rule: z.string().describe('What kind of problem: price_precision, duplicate_sku, column_count, …'),
  reason: z.string(),
  column: z.string().nullable(),
});

export const itemSchema = z.object({
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  price: z.string().describe('Decimal with two places, as text (no float rounding)'),
  quantity: z.number(),
  updatedAt: z.string(),
  importId: z.string().describe('The import that last wrote the item'),
});

export const importsQuery = z.object({ ...pageQueryFields });
export const failedRowsQuery = z.object({
  rule: z
    .string()
    .regex(/^[a-z0-9_]{1,40}$/, 'must be a rule code')
    .optional(),
  ...pageQueryFields,
});
export const itemsQuery = z.object({
  category: z.string().max(200).optional(),
  q: z.string().max(200).optional().describe('Text found in the sku or the name, case-insensitive'),
  ...pageQueryFields,
});

export const importPageSchema = pageSchema(importSchema);
export const failedRowPageSchema = pageSchema(failedRowSchema);
export const itemPageSchema = pageSchema(itemSchema);
