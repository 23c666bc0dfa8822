import * as z from 'zod';
import { cronSetting, defineApp } from '../../shared/contract/index.ts';

/** The Imports app: a supplier's daily items file loaded into Postgres, at `/imports`. */
const imports = defineApp({
  name: 'imports',
  title: 'Imports',
  description:
    'A daily CSV import of a million rows: every bad line kept with its reason, the history and its progress.',
  config: z.object({
    IMPORTS_INBOX_DIR: z
      .string()
      .optional()
      .describe(
        'Folder whose new .csv files the daily import picks up (a file modified in the last 5 s waits for the next ' +
          'run). Unset: DATA_DIR/imports/inbox.',
      ),
    IMPORTS_BUCKET: z
      .string()
      .min(3)
      .optional()
      .describe(
        'S3 bucket for containers and Lambda: imported files are kept under files/, and objects put under inbox/ ' +
          'are imported too. Unset: files are kept under DATA_DIR/imports/files.',
      ),
    IMPORTS_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(512 * 1024 * 1024)
      .describe('Largest upload, in bytes (512 MiB); a larger one is refused with 413.'),
    IMPORTS_CRON: cronSetting('0 5 * * *').describe('Cron (UTC) of the daily import; `off` disables it.'),
    IMPORTS_LEASE_S: z.coerce
      .number()
      .int()
      .min(2)
      .max(3600)
      .default(60)
      .describe(
        "Seconds a running import's claim lasts without renewal; a crashed worker's import is taken over after it.",
      ),
  }),
});

export default imports;
