import * as z from 'zod';
import {
  accepted,
  defineHttp,
  jobAcceptedSchema,
  json,
  multipartFile,
  navigate,
} from '../../shared/contract/index.ts';
import { ValidationError } from '../../shared/errors.ts';
import imports from './app.ts';
import { registerImport } from './lib/imports-store.ts';
import { importPath } from './lib/paths.ts';
import { FILE_KIND, storesOf } from './lib/run-imports.ts';
import { keepFile, safeFileName } from './lib/sources.ts';

const uploadAccepted = jobAcceptedSchema.extend({ importId: z.string() });
const duplicateAnswer = z.object({
  ok: z.literal(true),
  queued: z.literal(false),
  importId: z.string(),
  duplicateOf: z.string(),
  message: z.string(),
});

export default defineHttp({
  method: 'POST',
  path: '/files',
  summary: 'Upload an items CSV file and queue its import',
  description:
    'The body is the file itself (`Content-Type: text/csv`, name in `?name=`), or a multipart form with a `file` ' +
    'field (the page). It is streamed into the file store, never held in memory, up to IMPORTS_MAX_BYTES (413 ' +
    'beyond). The same bytes as an earlier import are not loaded twice: 200 with `duplicateOf`.',
  auth: 'admin',
  query: z.object({ name: z.string().min(1).max(200).optional() }),
  streamBody: true,
  maxBodyBytes: (config) => imports.config(config).IMPORTS_MAX_BYTES,
  responses: {
    202: {
      description: 'Stored, import queued: follow it at GET /imports/api/imports/{importId}',
      schema: uploadAccepted,
    },
    200: { description: 'The same content was imported before: nothing queued', schema: duplicateAnswer },
    413: { description: 'Larger than IMPORTS_MAX_BYTES' },
    503: {
      description:
        'The job queue is unavailable: the file is stored and registered, run the daily import later',
    },
  },
  handler: async (req, ctx) => {
    const contentType = req.headers.get('content-type') ?? '';
    const upload = contentType.startsWith('multipart/form-data')
      ? await multipartFile(req.bodyStream(), contentType, 'file')
      : /^(text\/csv|application\/octet-stream)\b/.test(contentType)
        ? { fileName: req.query.name ?? '', body: req.bodyStream() as AsyncIterable<Uint8Array> }
        : undefined;
    if (!upload) {
      throw new ValidationError(
        'Send the file as text/csv (with ?name=) or as a multipart form with a "file" field',
      );
    }
    if (!upload.fileName) throw new ValidationError('Give the file a name: ?name=items.csv');
    const fileName = safeFileName(upload.fileName);
    const stores = storesOf(ctx);
    const kept = await keepFile(
      stores.files,
      fileName,
      upload.body,
      imports.config(ctx.config).IMPORTS_MAX_BYTES,
    );
    const { import: row, duplicateOf } = await registerImport(ctx.db, {
      fileName,
      source: 'upload',
      ...kept,
    });
    ctx.log.info({ importId: row.id, fileName, bytes: kept.sizeBytes, duplicateOf }, 'file uploaded');
    if (duplicateOf) {
      const message = `${fileName} has the same content as import #${duplicateOf}: nothing was loaded twice.`;
      if (req.wantsHtml) return navigate(req, importPath(duplicateOf), { flash: { type: 'info', message } });
      return json({ ok: true, queued: false, importId: row.id, duplicateOf, message });
    }
    const { jobId } = await ctx.jobs.trigger(
      FILE_KIND,
      { importId: row.id },
      { correlationId: req.correlationId },
    );
    if (req.wantsHtml) {
      return navigate(req, importPath(row.id), {
        flash: { type: 'success', message: `${fileName} is being imported.` },
      });
    }
    return accepted({ kind: FILE_KIND, jobId }, { importId: row.id });
  },
});
