import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import gradcafe from './app.ts';
import { feedEmulatorServed, feedPage, releasedCount } from './lib/feed-emulator.ts';
import { feedPageSchema, MAX_PAGE_SIZE } from './lib/source.ts';
import { entryId } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/feed/entries',
  auth: 'public',
  summary: 'Feed emulator: raw GradCafe entries with id > after, oldest first',
  enabled: (config) => feedEmulatorServed(gradcafe.config(config)),
  description:
    'The bundled stand-in for GRADCAFE_SOURCE_URL, used when no url is configured. Entries after the bundled ' +
    'dataset are released one every GRADCAFE_EMULATOR_RELEASE_S seconds and by POST /gradcafe/feed/release.',
  query: z.object({
    after: entryId.default(0),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  }),
  responses: { 200: { description: 'A feed page', schema: feedPageSchema } },
  handler: async ({ query }, ctx) => {
    const released = await releasedCount(ctx.db, gradcafe.config(ctx.config).GRADCAFE_EMULATOR_RELEASE_S);
    return json(feedPage(released, query.after, query.limit));
  },
});
