import type { SettingsSource } from '../../../shared/contract/index.ts';
import type { RetryPolicy } from '../../../shared/queue/port.ts';
import notes from '../app.ts';

export const REPORT_MAX_DELAY_MS = 60_000;

/**
 * Retry policy of the report task, from the Notes settings (NOTES_REPORT_MAX_ATTEMPTS,
 * NOTES_REPORT_RETRY_BASE_MS). `defineTask` takes its policy when the module loads, before any
 * `ctx.config` exists, so the task reads `process.env` (the default source); a bad value throws
 * then, stopping the process at start instead of silently using a default.
 *
 * @example
 *   reportRetryPolicy({ env: { NOTES_REPORT_MAX_ATTEMPTS: '3' } }); // { attempts: 3, baseDelayMs: 1000, maxDelayMs: 60000 }
 */
export function reportRetryPolicy(source?: SettingsSource): RetryPolicy {
  const { NOTES_REPORT_MAX_ATTEMPTS: attempts, NOTES_REPORT_RETRY_BASE_MS: baseDelayMs } =
    notes.config(source);
  return { attempts, baseDelayMs, maxDelayMs: Math.max(baseDelayMs, REPORT_MAX_DELAY_MS) };
}
