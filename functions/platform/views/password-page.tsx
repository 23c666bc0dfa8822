import type { AuthUser, FlashMessage } from '../../../shared/contract/index.ts';
import { CsrfField, Layout } from '../../../shared/http/views/index.ts';

export const PASSWORD_PAGE = '/auth/password';
export const SIGN_OUT_EVERYWHERE = '/auth/logout-everywhere';

/**
 * The account page: change the password (current, new, repeated) and sign out everywhere. Plain
 * forms (303 + flash) with the session's CSRF token.
 */
export function PasswordPage(props: { user: AuthUser; csrfToken: string; flash: readonly FlashMessage[] }) {
  const { user, csrfToken, flash } = props;
  return (
    <Layout title="Your account" flash={flash} viewer={{ user, csrfToken }}>
      <section class="card auth-card" aria-labelledby="password-title">
        <h1 id="password-title">Change your password</h1>
        <p class="muted">Signed in as {user.email}. Every other session and API token of the account ends.</p>
        <form method="post" action={PASSWORD_PAGE}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="username" value={user.email} autocomplete="username" />
          <label>
            Current password
            <input
              type="password"
              name="current_password"
              required
              maxlength={128}
              autocomplete="current-password"
            />
          </label>
          <label>
            New password
            <input
              type="password"
              name="new_password"
              required
              minlength={8}
              maxlength={128}
              autocomplete="new-password"
            />
          </label>
          <label>
            New password again
            <input
              type="password"
              name="confirm_password"
              required
              minlength={8}
              maxlength={128}
              autocomplete="new-password"
            />
          </label>
          <button class="btn btn-primary" type="submit">
            Change password
          </button>
        </form>
      </section>
      <section class="card auth-card" aria-labelledby="everywhere-title">
        <h2 id="everywhere-title">Sign out everywhere</h2>
        <p class="muted">Ends every session and API token of your account, this one included.</p>
        <form method="post" action={SIGN_OUT_EVERYWHERE}>
          <CsrfField token={csrfToken} />
          <button class="btn" type="submit">
            Sign out everywhere
          </button>
        </form>
      </section>
    </Layout>
  );
}
