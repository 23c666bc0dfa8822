import { defineHttp, redirect } from '../../shared/contract/index.ts';

export default defineHttp({
  method: 'POST',
  path: '/auth/logout',
  auth: 'public',
  summary: 'Sign out: end the browser session',
  hidden: true,
  handler: async (req) => {
    await req.signOut();
    return redirect('/auth/login', { flash: { type: 'info', message: 'Signed out.' } });
  },
});
