import * as z from 'zod';
import type { RetryPolicy } from '../../../shared/queue/port.ts';
import { describeIssues } from '../../../shared/validation.ts';

/**
 * Retry policy of the report task, from the environment. `defineTask` takes its policy when the
 * module loads, before any `ctx.config` exists, so these two variables are read from
 * `process.env` here (with the platform's rule that an empty value means unset).
 *
 * - NOTES_REPORT_MAX_ATTEMPTS: attempts before the message is dead-lettered (default 5).
 * - NOTES_REPORT_RETRY_BASE_MS: delay before the second attempt, doubling each time up to a
 *   minute (default 1000).
 *
 * @example
 *   reportRetryPolicy({ NOTES_REPORT_MAX_ATTEMPTS: '3' }); // { attempts: 3, baseDelayMs: 1000, maxDelayMs: 60000 }
 */
const settingsSchema = z.object({
  NOTES_REPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  NOTES_REPORT_RETRY_BASE_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
});

export const REPORT_MAX_DELAY_MS = 60_000;

export function reportRetryPolicy(env: Record<string, string | undefined> = process.env): RetryPolicy {
  const parsed = settingsSchema.safeParse({
    NOTES_REPORT_MAX_ATTEMPTS: env.NOTES_REPORT_MAX_ATTEMPTS || undefined,
    NOTES_REPORT_RETRY_BASE_MS: env.NOTES_REPORT_RETRY_BASE_MS || undefined,
  });
  if (!parsed.success) {
    // At module load, so a typo stops the process at start instead of silently using a default.
    throw new Error(`Invalid Notes configuration: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  const { NOTES_REPORT_MAX_ATTEMPTS: attempts, NOTES_REPORT_RETRY_BASE_MS: baseDelayMs } = parsed.data;
  return { attempts, baseDelayMs, maxDelayMs: Math.max(baseDelayMs, REPORT_MAX_DELAY_MS) };
}
