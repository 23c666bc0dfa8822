import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { SIGN_OUT_EVERYWHERE } from './views/password-page.tsx';

export default defineHttp({
  method: 'POST',
  path: SIGN_OUT_EVERYWHERE,
  auth: 'user',
  summary: 'Sign out everywhere from the account page',
  hidden: true,
  handler: async (req, ctx) => {
    await ctx.auth.signOutEverywhere(req.user);
    await req.signOut();
    return redirect('/auth/login', {
      flash: { type: 'info', message: 'Signed out everywhere: every session and API token has ended.' },
    });
  },
});
