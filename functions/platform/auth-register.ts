import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { backToForm, credentialsForm } from './lib/auth-forms.ts';
import { nextPath } from './lib/next-path.ts';

export default defineHttp({
  method: 'POST',
  path: '/auth/register',
  summary: 'Create an account from the registration page, and sign in',
  hidden: true,
  body: credentialsForm,
  handler: async (req, ctx) => {
    const { email, password } = req.body;
    const next = nextPath(req.body.next);
    try {
      // Never a role from the request: every account starts as a user.
      const user = await ctx.auth.users.register({ email, password });
      await req.signIn(user);
      return redirect(next, { flash: { type: 'success', message: `Welcome, ${user.email}.` } });
    } catch (err) {
      return backToForm('/auth/register', { email, next }, err);
    }
  },
});
