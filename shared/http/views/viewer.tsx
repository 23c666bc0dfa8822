import type { AuthUser, HttpRequest } from '../../contract/http.ts';
import { CSRF_FIELD, CSRF_HEADER } from '../request-auth.ts';

/** Who is looking at a page, and the CSRF token its forms must carry (set when signed in). */
export interface PageViewer {
  user: AuthUser | undefined;
  csrfToken: string | undefined;
}

/**
 * The viewer of a page. Only a signed-in visitor gets a CSRF token here: an anonymous one has no
 * forms to post (they sign in first), so reading a page never creates a session row.
 *
 * @example
 *   const viewer = await pageViewer(req);
 *   return html(<Layout title="Notes" viewer={viewer}>...</Layout>);
 */
export async function pageViewer(req: Pick<HttpRequest<unknown, unknown, unknown>, 'user' | 'csrfToken'>) {
  const user = req.user;
  return { user, csrfToken: user ? await req.csrfToken() : undefined } satisfies PageViewer;
}

/** The hidden field every form of a signed-in page carries. */
export function CsrfField({ token }: { token: string | undefined }) {
  return token ? <input type="hidden" name={CSRF_FIELD} value={token} /> : null;
}

/** htmx sends this header with every request of the page (`hx-headers` on the body). */
export function htmxCsrfHeaders(token: string | undefined): string | undefined {
  return token ? JSON.stringify({ [CSRF_HEADER]: token }) : undefined;
}
