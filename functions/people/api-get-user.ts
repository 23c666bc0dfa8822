import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { personSchema } from './lib/schemas.ts';
import { findPerson } from './lib/users-store.ts';

export default defineHttp({
  method: 'GET',
  path: '/users/:id',
  summary: 'One person, with their address and masked card',
  auth: 'user',
  params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'expected a numeric id') }),
  responses: {
    200: { description: 'The person', schema: personSchema },
    404: { description: 'No person with that id' },
  },
  handler: async ({ params }, ctx) => {
    const person = await findPerson(ctx.db, params.id);
    if (!person) throw new NotFoundError(`No person with id ${params.id}`);
    return json(person);
  },
});
