import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { tokenSchema } from './lib/schemas.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/auth/password',
  auth: 'user',
  summary: 'Change your password; every session and token of the account ends',
  description:
    'JSON `{current_password, new_password}`. The current password is checked (and throttled) like a sign-in. ' +
    'Earlier tokens and sessions stop working; the answer carries a fresh token.',
  body: z.object({ current_password: z.string().max(1024), new_password: z.string().max(1024) }),
  responses: {
    200: { description: 'A fresh bearer token', schema: tokenSchema },
    400: { description: 'The current password is not right, or the new one is refused' },
    429: { description: 'Too many wrong current passwords; see Retry-After' },
  },
  handler: async ({ body, user, clientIp }, ctx) => {
    const updated = await ctx.auth.changePassword({
      user,
      currentPassword: body.current_password,
      newPassword: body.new_password,
      clientIp,
    });
    return json(await ctx.auth.issueToken(updated));
  },
});
