import { defineHttp, json } from '../../shared/contract/index.ts';
import { listPeople } from './lib/users-store.ts';
import { personPageSchema, usersQuery } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/users',
  summary: 'People, with their address and masked card',
  description:
    'Paginated (`limit` 1..100, `offset`), oldest first; `has_address` and `has_card` (`true` or `false`) filter. ' +
    'Cards show only their last four digits: `**** **** **** 1234`.',
  auth: 'user',
  query: usersQuery,
  responses: { 200: { description: 'One page of people', schema: personPageSchema } },
  handler: async ({ query }, ctx) =>
    json(
      await listPeople(ctx.db, {
        limit: query.limit,
        offset: query.offset,
        hasAddress: query.has_address,
        hasCard: query.has_card,
      }),
    ),
});
