import * as z from 'zod';
import { defineHttp, html, redirect } from '../../shared/contract/index.ts';
import { nextPath } from './lib/next-path.ts';
import { AuthPage } from './views/auth-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/auth/register',
  summary: 'Registration page',
  hidden: true,
  query: z.object({ next: z.string().max(2000).optional(), email: z.string().max(320).optional() }),
  handler: async ({ query, user, flash, csrfToken }) => {
    const next = nextPath(query.next);
    if (user) return redirect(next);
    return html(
      <AuthPage
        mode="register"
        csrfToken={await csrfToken()}
        next={next}
        email={query.email ?? ''}
        flash={flash}
      />,
    );
  },
});
