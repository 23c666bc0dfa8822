import type { FlashMessage } from '../contract/http.ts';
import { flashSetCookie } from './flash.ts';

/**
 * Response helpers for HTTP functions. They return web-standard `Response`s so the same
 * handler runs under the Node runner and under Lambda.
 *
 * @example
 *   return json({ ok: true }, 202);
 *   return html(<Page />);
 *   return redirect('/gradcafe/', { flash: { type: 'success', message: 'Queued' } });
 */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Anything hono/jsx renders (a JSX element), or a string that is already safe HTML. */
type Renderable = string | { toString(): string | Promise<string> };

export async function html(body: Renderable, status = 200): Promise<Response> {
  const text = typeof body === 'string' ? body : await body.toString();
  return new Response('<!doctype html>' + text, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });
}

export function redirect(
  location: string,
  options: { status?: 301 | 302 | 303 | 307 | 308; flash?: FlashMessage } = {},
): Response {
  const headers = new Headers({ location });
  if (options.flash) {
    headers.append('set-cookie', flashSetCookie([options.flash]));
  }
  return new Response(null, { status: options.status ?? 303, headers });
}

/**
 * Send the browser to `location`, with a flash message: a 303 for a plain form post; for an
 * htmx request, a 200 with `HX-Redirect` (the XHR would follow a 303 itself and swap the next
 * page into the form), so the whole page moves.
 *
 * @example
 *   return navigate(req, '/imports/runs/7', { flash: { type: 'success', message: 'Uploaded' } });
 */
export function navigate(
  req: { htmx: boolean },
  location: string,
  options: { flash?: FlashMessage } = {},
): Response {
  const response = redirect(location, options);
  if (!req.htmx) return response;
  const headers = new Headers(response.headers);
  headers.delete('location');
  headers.set('hx-redirect', location);
  return new Response(null, { status: 200, headers });
}
