import { CsrfField } from '../../../shared/http/views/index.ts';

/**
 * The two actions as plain HTML forms: they work without JavaScript (303 back + flash). Only an
 * admin gets them (with the session's CSRF token); anyone else is pointed at the sign-in page.
 */
export function JobButtons({ csrfToken }: { csrfToken: string | undefined }) {
  if (!csrfToken) {
    return (
      <p class="actions muted">
        <a href="/auth/login?next=%2Fgradcafe%2F">Sign in as an admin</a> to pull data or update the analysis.
      </p>
    );
  }
  return (
    <div class="actions">
      <form method="post" action="/gradcafe/pull-data">
        <CsrfField token={csrfToken} />
        <button class="btn" type="submit">
          Pull Data
        </button>
      </form>
      <form method="post" action="/gradcafe/update-analysis">
        <CsrfField token={csrfToken} />
        <button class="btn btn-primary" type="submit">
          Update Analysis
        </button>
      </form>
    </div>
  );
}
