import * as z from 'zod';
import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { AppError } from '../../shared/errors.ts';
import { PASSWORD_PAGE } from './views/password-page.tsx';

export default defineHttp({
  method: 'POST',
  path: PASSWORD_PAGE,
  auth: 'user',
  summary: 'Change the password from the account page; this browser stays signed in',
  hidden: true,
  body: z.object({
    current_password: z.string().max(1024),
    new_password: z.string().max(1024),
    confirm_password: z.string().max(1024),
  }),
  handler: async (req, ctx) => {
    const back = (message: string) => redirect(PASSWORD_PAGE, { flash: { type: 'error', message } });
    if (req.body.new_password !== req.body.confirm_password) return back('The new passwords do not match.');
    try {
      const updated = await ctx.auth.changePassword({
        user: req.user,
        currentPassword: req.body.current_password,
        newPassword: req.body.new_password,
        clientIp: req.clientIp,
      });
      // Every session ended, this one too: a new one for this browser, at the new auth version.
      await req.signIn(updated);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return back(`Password not changed: ${err.message}.`);
    }
    return redirect(PASSWORD_PAGE, {
      flash: { type: 'success', message: 'Password changed. Every other session and token has ended.' },
    });
  },
});
