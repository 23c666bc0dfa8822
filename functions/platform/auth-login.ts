import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { backToForm, credentialsForm } from './lib/auth-forms.ts';
import { nextPath } from './lib/next-path.ts';

export default defineHttp({
  method: 'POST',
  path: '/auth/login',
  summary: 'Sign in from the sign-in page (session cookie)',
  hidden: true,
  body: credentialsForm,
  handler: async (req, ctx) => {
    const { email, password } = req.body;
    const next = nextPath(req.body.next);
    try {
      const user = await ctx.auth.login({ email, password, clientIp: req.clientIp });
      await req.signIn(user);
      return redirect(next, { flash: { type: 'success', message: `Signed in as ${user.email}.` } });
    } catch (err) {
      return backToForm('/auth/login', { email, next }, err);
    }
  },
});
