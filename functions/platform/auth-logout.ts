import * as z from 'zod';
import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { nextPath } from './lib/next-path.ts';

export default defineHttp({
  method: 'POST',
  path: '/auth/logout',
  auth: 'public',
  summary: 'Sign out: end the browser session',
  hidden: true,
  // `next`: the page signed out from; the sign-in page comes back to it (switching accounts).
  body: z.object({ next: z.string().max(2000).optional() }).optional(),
  handler: async (req) => {
    await req.signOut();
    const next = req.body?.next === undefined ? undefined : nextPath(req.body.next, '');
    const login = next ? `/auth/login?next=${encodeURIComponent(next)}` : '/auth/login';
    return redirect(login, { flash: { type: 'info', message: 'Signed out.' } });
  },
});
