import type { AuthUser, HttpRequest } from '../../contract/http.ts';
import { CSRF_FIELD, CSRF_HEADER } from '../request-auth.ts';

/** Who is looking at a page, and the CSRF token its forms must carry (set when signed in). */
export interface PageViewer {
  user: AuthUser | undefined;
  csrfToken: string | undefined;
  /** The page's own path and query: signing in or out from its header comes back here. */
  path?: string | undefined;
}

/**
 * The viewer of a page. Only a signed-in visitor gets a CSRF token here: an anonymous one has no
 * forms to post (they sign in first), so reading a page never creates a session row.
 *
 * @example
 *   const viewer = await pageViewer(req);
 *   return html(<Layout title="Notes" viewer={viewer}>...</Layout>);
 */
export async function pageViewer(
  req: Pick<HttpRequest<unknown, unknown, unknown>, 'user' | 'csrfToken' | 'url'>,
) {
  const user = req.user;
  return {
    user,
    csrfToken: user ? await req.csrfToken() : undefined,
    path: req.url.pathname + req.url.search,
  } satisfies PageViewer;
}

/** The sign-in page, coming back to `path` afterwards. */
export function signInHref(path: string | undefined): string {
  return path ? `/auth/login?next=${encodeURIComponent(path)}` : '/auth/login';
}

/**
 * Sign out and go to the sign-in page, which comes back to `next`: how a signed-in user who lacks
 * a role switches to an account that has it.
 */
export function SignOutForm({
  csrfToken,
  next,
  label,
  class: className,
}: {
  csrfToken: string | undefined;
  next: string | undefined;
  label: string;
  class?: string;
}) {
  return (
    <form class={className} method="post" action="/auth/logout">
      <CsrfField token={csrfToken} />
      {next && <input type="hidden" name="next" value={next} />}
      <button class="btn btn-link" type="submit">
        {label}
      </button>
    </form>
  );
}

/** The hidden field every form of a signed-in page carries. */
export function CsrfField({ token }: { token: string | undefined }) {
  return token ? <input type="hidden" name={CSRF_FIELD} value={token} /> : null;
}

/** htmx sends this header with every request of the page (`hx-headers` on the body). */
export function htmxCsrfHeaders(token: string | undefined): string | undefined {
  return token ? JSON.stringify({ [CSRF_HEADER]: token }) : undefined;
}
