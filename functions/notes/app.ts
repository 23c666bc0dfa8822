import * as z from 'zod';
import { defineApp } from '../../shared/contract/index.ts';

/** The Notes app: each user's tasks, their stats and reports, at `/notes`. */
export default defineApp({
  name: 'notes',
  title: 'Notes',
  description: "Each user's tasks, their stats and a report built in the background.",
  config: z.object({
    NOTES_REPORT_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('Attempts of a Notes report job before it is dead-lettered.'),
    NOTES_REPORT_RETRY_BASE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(1000)
      .describe(
        "Delay before a report job's second attempt (ms), doubling with each attempt up to a minute.",
      ),
  }),
});
