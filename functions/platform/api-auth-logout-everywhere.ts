import { defineHttp } from '../../shared/contract/index.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/auth/logout-everywhere',
  auth: 'user',
  summary: 'Sign out everywhere: every session and token of your account ends, this one included',
  responses: { 204: { description: 'Done: sign in again for a new token' } },
  handler: async ({ user }, ctx) => {
    await ctx.auth.signOutEverywhere(user);
    return new Response(null, { status: 204 });
  },
});
