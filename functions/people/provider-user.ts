import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import people from './app.ts';
import { emulatorServed } from './lib/provider.ts';
import { answer } from './lib/provider-emulator.ts';

export default defineHttp({
  method: 'GET',
  path: '/provider/users/:id',
  auth: 'public',
  summary: 'Provider emulator: one person, with their address and bank card',
  enabled: (config) => emulatorServed(people.config(config)),
  params: z.object({ id: z.coerce.number().int().min(1) }),
  responses: { 200: { description: 'A DummyJSON user' }, 404: { description: 'No such person' } },
  handler: (req, ctx) => answer(ctx.db, new URL(req.url)),
});
