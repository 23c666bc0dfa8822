import path from 'node:path';
import * as z from 'zod';
import { describeIssues } from '../../../shared/validation.ts';

/**
 * The Imports app's settings, from the environment (an empty value means unset).
 *
 * - IMPORTS_INBOX_DIR: folder whose new `.csv` files the daily import picks up (default `<DATA_DIR>/imports/inbox`).
 * - IMPORTS_BUCKET: an S3 bucket; when set, imported files are kept in it under `files/`, and new
 *   files under its `inbox/` prefix are picked up too (containers and Lambda). S3_ENDPOINT points
 *   it at LocalStack or another emulator.
 * - IMPORTS_MAX_BYTES: largest upload (default 512 MiB).
 * - IMPORTS_CRON: when the daily import runs (default 05:00 UTC; `off` disables it).
 * - IMPORTS_LEASE_S: how long a running import's claim lasts without renewal; a crashed import is
 *   taken over after it (default 60).
 */
const settingsSchema = z.object({
  DATA_DIR: z.string().default('.data'),
  IMPORTS_INBOX_DIR: z.string().optional(),
  IMPORTS_BUCKET: z.string().min(3).optional(),
  IMPORTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024),
  IMPORTS_CRON: z.string().default('0 5 * * *'),
  IMPORTS_LEASE_S: z.coerce.number().int().min(2).max(3600).default(60),
});

export interface ImportsSettings {
  inboxDir: string;
  filesDir: string;
  bucket: string | undefined;
  maxBytes: number;
  cron: string;
  leaseSeconds: number;
}

export function importsSettings(env: Record<string, string | undefined> = process.env): ImportsSettings {
  const raw = Object.fromEntries(
    Object.keys(settingsSchema.shape).map((key) => [key, env[key] || undefined]),
  );
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid Imports configuration: ${describeIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const s = parsed.data;
  return {
    inboxDir: s.IMPORTS_INBOX_DIR ?? path.join(s.DATA_DIR, 'imports', 'inbox'),
    filesDir: path.join(s.DATA_DIR, 'imports', 'files'),
    bucket: s.IMPORTS_BUCKET,
    maxBytes: s.IMPORTS_MAX_BYTES,
    cron: s.IMPORTS_CRON,
    leaseSeconds: s.IMPORTS_LEASE_S,
  };
}
