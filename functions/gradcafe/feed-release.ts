import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import gradcafe from './app.ts';
import { feedEmulatorServed, latestIdFor, releaseMore } from './lib/feed-emulator.ts';

export default defineHttp({
  method: 'POST',
  path: '/feed/release',
  auth: 'admin',
  summary: 'Feed emulator: release more GradCafe entries now',
  enabled: (config) => feedEmulatorServed(gradcafe.config(config)),
  description: 'Makes `count` more entries (1..1000, default 25) visible in the emulated feed right away.',
  body: z.object({ count: z.coerce.number().int().min(1).max(1000).default(25) }).optional(),
  responses: { 200: { description: 'How many entries are released now and the newest id' } },
  handler: async ({ body }, ctx) => {
    const { GRADCAFE_EMULATOR_RELEASE_S } = gradcafe.config(ctx.config);
    const released = await releaseMore(ctx.db, body?.count ?? 25, GRADCAFE_EMULATOR_RELEASE_S);
    return json({ released, latestId: latestIdFor(released) });
  },
});
