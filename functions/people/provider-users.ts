import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import people from './app.ts';
import { emulatorServed } from './lib/provider.ts';
import { answer, MAX_PAGE } from './lib/provider-emulator.ts';

export default defineHttp({
  method: 'GET',
  path: '/provider/users',
  auth: 'public',
  summary: 'Provider emulator: a page of people, shaped like DummyJSON users',
  enabled: (config) => emulatorServed(people.config(config)),
  description:
    'The bundled stand-in for PEOPLE_USERS_API_URL (and the address and card APIs): 300 deterministic people. ' +
    'Faults queued with POST /people/provider/faults are answered first, one per request.',
  query: z.object({
    limit: z.coerce.number().int().min(0).max(MAX_PAGE).default(30),
    skip: z.coerce.number().int().min(0).default(0),
  }),
  responses: { 200: { description: '`{users, total, skip, limit}`' } },
  handler: (req, ctx) => answer(ctx.db, new URL(req.url)),
});
