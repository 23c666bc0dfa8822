import * as z from 'zod';
import { cronSetting, defineApp } from '../../shared/contract/index.ts';

/**
 * The GradCafe app: a pull of admissions results from a feed (a bundled emulator by default) and
 * the analysis of them, at `/gradcafe`.
 */
const gradcafe = defineApp({
  name: 'gradcafe',
  title: 'GradCafe',
  description:
    'Graduate admissions results pulled from a feed, cleaned and analysed: acceptance rates, GPA and GRE.',
  config: z.object({
    GRADCAFE_SOURCE_URL: z
      .string()
      .url()
      .optional()
      .describe(
        'URL of the GradCafe feed the pull task reads. Unset: the bundled feed emulator, read straight ' +
          'from the database.',
      )
      .meta({ examples: ['http://127.0.0.1:8080/gradcafe/feed/entries'] }),
    GRADCAFE_FEED_EMULATOR: z
      .stringbool()
      .optional()
      .describe(
        'Serve the feed emulator (/gradcafe/feed/*). Unset: only when GRADCAFE_SOURCE_URL is unset (the ' +
          "emulator is the source); `true` where the source URL points at this deployment's own emulator " +
          '(docker compose), `false` never.',
      ),
    GRADCAFE_PULL_CRON: cronSetting('*/15 * * * *').describe(
      'Cron (UTC) of the scheduled GradCafe pull; `off` disables it.',
    ),
    GRADCAFE_EMULATOR_RELEASE_S: z.coerce
      .number()
      .min(0)
      .default(30)
      .describe('Seconds between two entries released by the bundled feed emulator (0: only on demand).'),
  }),
});

export default gradcafe;

/** The GradCafe settings, as `gradcafe.config(ctx.config)` returns them. */
export type GradcafeSettings = ReturnType<typeof gradcafe.config>;
