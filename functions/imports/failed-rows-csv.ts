import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { allFailedRows, findImport } from './lib/imports-store.ts';
import { importIdParams } from './lib/schemas.ts';

const HEADER = 'line_number,rule,column,reason,raw_line\r\n';

/** RFC 4180: every field quoted, quotes doubled, so commas and newlines in raw lines survive. */
const csvRow = (fields: (string | number | null)[]): string =>
  fields.map((field) => `"${String(field ?? '').replaceAll('"', '""')}"`).join(',') + '\r\n';

export default defineHttp({
  method: 'GET',
  path: '/runs/:id/failed-rows.csv',
  summary: "Download an import's failed rows as CSV",
  description: 'Every failed row (or those of one `rule`), in line order, streamed.',
  auth: 'admin',
  params: importIdParams,
  query: z.object({
    rule: z
      .string()
      .regex(/^[a-z0-9_]{1,40}$/, 'must be a rule code')
      .optional(),
  }),
  responses: {
    200: { description: 'CSV of the failed rows', contentType: 'text/csv' },
    404: { description: 'No such import' },
  },
  handler: async ({ params, query }, ctx) => {
    const row = await findImport(ctx.db, params.id);
    if (!row) throw new NotFoundError(`No import ${params.id}`);
    const rows = allFailedRows(ctx.db, row.id, query.rule);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(HEADER));
      },
      async pull(controller) {
        const next = await rows.next();
        if (next.done) controller.close();
        else {
          const f = next.value;
          controller.enqueue(encoder.encode(csvRow([f.lineNumber, f.rule, f.column, f.reason, f.rawLine])));
        }
      },
    });
    const name = `import-${row.id}-failed-rows${query.rule ? `-${query.rule}` : ''}.csv`;
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
      },
    });
  },
});
