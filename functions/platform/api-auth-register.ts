import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { userSchema } from './lib/schemas.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/auth/register',
  auth: 'public',
  summary: 'Create an account (role user); then get a token at /api/auth/login',
  body: z.object({ email: z.string().trim().max(320), password: z.string().max(1024) }),
  responses: {
    201: { description: 'The new account', schema: userSchema },
    400: { description: 'Invalid email or a password outside 8..128 characters' },
    409: { description: 'The email is already registered' },
    429: { description: 'Too many sign-ups from this client; see Retry-After' },
    503: { description: 'Too many passwords being hashed right now; see Retry-After' },
  },
  handler: async ({ body, clientIp }, ctx) => {
    // Only email and password are read: a `role` in the body is dropped by the schema.
    const user = await ctx.auth.signup({ email: body.email, password: body.password, clientIp });
    return json({ id: user.id, email: user.email, role: user.role }, 201);
  },
});
