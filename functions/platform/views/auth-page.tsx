import type { FlashMessage } from '../../../shared/contract/index.ts';
import { CsrfField, Layout } from '../../../shared/http/views/index.ts';

export interface AuthPageProps {
  mode: 'login' | 'register';
  csrfToken: string;
  next: string;
  email?: string;
  flash: readonly FlashMessage[];
}

const COPY = {
  login: {
    title: 'Sign in',
    action: '/auth/login',
    submit: 'Sign in',
    other: 'Create an account',
    otherHref: '/auth/register',
  },
  register: {
    title: 'Create an account',
    action: '/auth/register',
    submit: 'Create account',
    other: 'I have an account',
    otherHref: '/auth/login',
  },
} as const;

/** The sign-in and registration forms: plain HTML forms (303 + flash), with the session's CSRF token. */
export function AuthPage({ mode, csrfToken, next, email = '', flash }: AuthPageProps) {
  const copy = COPY[mode];
  const otherHref = `${copy.otherHref}?next=${encodeURIComponent(next)}`;
  return (
    <Layout title={copy.title} flash={flash}>
      <section class="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{copy.title}</h1>
        <form method="post" action={copy.action}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="next" value={next} />
          <label>
            Email
            <input type="email" name="email" value={email} required autocomplete="username" maxlength={254} />
          </label>
          <label>
            Password
            <input
              type="password"
              name="password"
              required
              minlength={mode === 'register' ? 8 : undefined}
              maxlength={128}
              autocomplete={mode === 'register' ? 'new-password' : 'current-password'}
            />
          </label>
          <button class="btn btn-primary" type="submit">
            {copy.submit}
          </button>
        </form>
        <p class="muted">
          <a href={otherHref}>{copy.other}</a>
        </p>
      </section>
    </Layout>
  );
}
