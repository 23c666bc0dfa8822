import { CsrfField, SignOutForm, signInHref, type PageViewer } from '../../../shared/http/views/index.ts';
import gradcafe from '../app.ts';

/**
 * The two actions as plain HTML forms: they work without JavaScript (303 back + flash). Only an
 * admin gets them (with the session's CSRF token). A visitor is pointed at the sign-in page; a
 * signed-in user who is not an admin is told so and offered to switch account, since the sign-in
 * page would send them straight back.
 */
export function JobButtons({ viewer }: { viewer: PageViewer }) {
  const { user, csrfToken, path } = viewer;
  if (!user) {
    return (
      <p class="actions muted">
        <a href={signInHref(path)}>Sign in as an admin</a> to pull data or update the analysis.
      </p>
    );
  }
  if (user.role !== 'admin') {
    return (
      <div class="actions muted">
        <span>Only an admin can pull data or update the analysis; you are signed in as {user.email}.</span>
        <SignOutForm csrfToken={csrfToken} next={path} label="Sign in as an admin" />
      </div>
    );
  }
  return (
    <div class="actions">
      <form method="post" action={gradcafe.url('/pull-data')}>
        <CsrfField token={csrfToken} />
        <button class="btn" type="submit">
          Pull Data
        </button>
      </form>
      <form method="post" action={gradcafe.url('/update-analysis')}>
        <CsrfField token={csrfToken} />
        <button class="btn btn-primary" type="submit">
          Update Analysis
        </button>
      </form>
    </div>
  );
}
