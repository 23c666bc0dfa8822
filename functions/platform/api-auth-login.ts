import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { tokenSchema } from './lib/schemas.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/auth/login',
  auth: 'public',
  summary: 'Get an API bearer token (OAuth2 password flow)',
  description:
    'Form fields `username` (the email) and `password`. Wrong credentials and unknown users get the same ' +
    '401; repeated failures per user and per client IP get 429 with Retry-After.',
  // The credentials travel in the body and the answer is a token in the body: no cookie is read
  // or set, so there is nothing for a cross-site form to ride on.
  csrf: false,
  body: z.object({
    username: z.string().trim().max(320),
    password: z.string().max(1024),
    grant_type: z.literal('password').optional(),
  }),
  responses: {
    200: { description: 'A bearer token', schema: tokenSchema },
    401: { description: 'Invalid email or password' },
    429: { description: 'Too many failed logins; see Retry-After' },
  },
  handler: async ({ body, clientIp }, ctx) => {
    const user = await ctx.auth.login({ email: body.username, password: body.password, clientIp });
    return json(await ctx.auth.issueToken(user), 200, { 'cache-control': 'no-store' });
  },
});
