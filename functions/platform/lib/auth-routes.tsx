import * as z from 'zod';
import type { AuthUser, HttpCtx, HttpRequest } from '../../../shared/contract/index.ts';
import { defineHttp, html, redirect } from '../../../shared/contract/index.ts';
import { AuthPage } from '../views/auth-page.tsx';
import { credentialsForm, refusalOf } from './auth-forms.ts';
import { nextPath } from './next-path.ts';

type Mode = 'login' | 'register';

const PAGE = { login: '/auth/login', register: '/auth/register' } as const;

/**
 * The sign-in and registration pages (GET): the form with the session's CSRF token. A visitor
 * already signed in goes straight on to `next`.
 */
export function authPageRoute(mode: Mode) {
  return defineHttp({
    method: 'GET',
    path: PAGE[mode],
    auth: 'public',
    summary: mode === 'login' ? 'Sign-in page' : 'Registration page',
    hidden: true,
    query: z.object({ next: z.string().max(2000).optional() }),
    handler: async ({ query, user, flash, csrfToken }) => {
      const next = nextPath(query.next);
      if (user) return redirect(next);
      return html(<AuthPage mode={mode} csrfToken={await csrfToken()} next={next} flash={flash} />);
    },
  });
}

type Credentials = z.infer<typeof credentialsForm>;

/**
 * The forms' POST: find (or make) the account, sign this browser in with a new session id, go on
 * to `next` with a flash. On a refusal the form is shown again, right there, with the reason and
 * the email as typed (never in the URL, where it would land in history and logs), answering with
 * the refusal's status (401, 409, 429 with Retry-After…).
 */
export function authFormRoute(
  mode: Mode,
  options: {
    summary: string;
    account: (req: HttpRequest<undefined, undefined, Credentials>, ctx: HttpCtx) => Promise<AuthUser>;
    welcome: (user: AuthUser) => string;
  },
) {
  return defineHttp({
    method: 'POST',
    path: PAGE[mode],
    auth: 'public',
    summary: options.summary,
    hidden: true,
    body: credentialsForm,
    handler: async (req, ctx) => {
      const next = nextPath(req.body.next);
      try {
        const user = await options.account(req, ctx);
        await req.signIn(user);
        return redirect(next, { flash: { type: 'success', message: options.welcome(user) } });
      } catch (err) {
        const refusal = refusalOf(PAGE[mode], err);
        const page = await html(
          <AuthPage
            mode={mode}
            csrfToken={await req.csrfToken()}
            next={next}
            email={req.body.email}
            flash={[{ type: 'error', message: refusal.message }]}
          />,
          refusal.status,
        );
        if (refusal.retryAfterSeconds) page.headers.set('retry-after', String(refusal.retryAfterSeconds));
        return page;
      }
    },
  });
}
