import * as z from 'zod';
import { defineHttp, json, navigate } from '../../shared/contract/index.ts';
import people from './app.ts';
import { PAGE_PATH } from './lib/paths.ts';
import { emulatorServed } from './lib/provider.ts';
import { clearFaults, FAULTS, queueFaults } from './lib/provider-emulator.ts';

export default defineHttp({
  method: 'POST',
  path: '/provider/faults',
  auth: 'admin',
  summary: 'Provider emulator: make the next requests misbehave',
  enabled: (config) => emulatorServed(people.config(config)),
  description:
    'Queues faults, answered one per request before normal answers resume: `rate_limit` (429, Retry-After: 1), ' +
    '`server_error` (500), `unavailable` (503), `slow` (no answer until the caller gives up), `truncated` ' +
    '(JSON cut in half), `changed_field` (`id` renamed), `repeat_page` (the page before, again). ' +
    '`times` queues the fault that many times; `clear` first removes the faults still queued.',
  body: z.object({
    fault: z.enum(FAULTS).optional(),
    times: z.coerce.number().int().min(1).max(20).default(1),
    clear: z.stringbool().optional(),
  }),
  responses: { 200: { description: '`{queued, cleared}`' } },
  handler: async (req, ctx) => {
    const { fault, times, clear } = req.body;
    const cleared = clear ? await clearFaults(ctx.db) : 0;
    const queued = fault ? Array.from({ length: times }, () => fault) : [];
    await queueFaults(ctx.db, queued);
    if (req.wantsHtml) {
      const message = fault
        ? `The provider emulator will answer the next ${times} request(s) with ${fault}.`
        : `Cleared ${cleared} queued fault(s): the provider emulator behaves.`;
      return navigate(req, PAGE_PATH, { flash: { type: 'info', message } });
    }
    return json({ queued: queued.length, cleared });
  },
});
