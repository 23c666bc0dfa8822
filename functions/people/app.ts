import * as z from 'zod';
import { cronSetting, defineApp } from '../../shared/contract/index.ts';

const providerUrl = (what: string) =>
  z
    .string()
    .url()
    .optional()
    .describe(
      `Base URL of the provider API the ${what} come from, shaped like DummyJSON's (\`<url>/users?limit=&skip=\`, ` +
        '`<url>/users/<id>`). Unset: the bundled provider emulator.',
    )
    .meta({ examples: ['https://dummyjson.com'] });

/** The People app: users synced from a provider's API and enriched with addresses and cards, at `/people`. */
const people = defineApp({
  name: 'people',
  title: 'People',
  description: "People synced from a provider's API on a schedule, enriched with an address and a card.",
  // The page is where the original app had it (/users/ui); /people/ itself redirects there.
  nav: [{ label: 'People', path: '/users/ui' }],
  config: z.object({
    PEOPLE_USERS_API_URL: providerUrl('users'),
    PEOPLE_ADDRESS_API_URL: providerUrl('addresses'),
    PEOPLE_CARD_API_URL: providerUrl('cards'),
    PEOPLE_PROVIDER_EMULATOR: z
      .stringbool()
      .optional()
      .describe(
        'Serve the provider emulator over HTTP (/people/provider/*). Unset: only when no provider URL is set ' +
          '(the emulator is the provider).',
      ),
    PEOPLE_SYNC_CRON: cronSetting('*/15 * * * *').describe(
      'Cron (UTC) of the users sync; `off` disables it.',
    ),
    PEOPLE_ENRICH_ADDRESS_CRON: cronSetting('*/10 * * * *').describe(
      'Cron (UTC) of the address enrichment; `off` disables it.',
    ),
    PEOPLE_ENRICH_CARD_CRON: cronSetting('*/10 * * * *').describe(
      'Cron (UTC) of the card enrichment; `off` disables it.',
    ),
    PEOPLE_ENRICH_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('Users given an address (or a card) per enrichment run.'),
    PEOPLE_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5000)
      .describe('Time limit of one request to a provider; a request is tried at most 5 times.'),
    PEOPLE_SYNC_LEASE_S: z.coerce
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(120)
      .describe(
        "Seconds a running sync's claim lasts without renewal; a crashed worker's sync is taken over after it.",
      ),
    PEOPLE_CARD_HASH_KEY: z
      .string()
      .min(32)
      .optional()
      .describe(
        'Key of the HMAC that stands in for card numbers (never stored). Unset: derived from SESSION_SECRET.',
      ),
  }),
});

export default people;

/** The People settings, as `people.config(ctx.config)` returns them. */
export type PeopleSettings = ReturnType<typeof people.config>;
