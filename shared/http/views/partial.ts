/** Anything hono/jsx renders: its toString() yields the HTML (maybe asynchronously). */
type Renderable = string | { toString(): string | Promise<string> };

/**
 * An HTML fragment response for htmx to swap in: like `html()` but without the doctype,
 * and never cached (polled panels must show fresh state).
 *
 * @example
 *   return partial(<RecentJobs jobs={jobs} />);
 *   return partial(<Panel />, { headers: { 'HX-Refresh': 'true' } });
 */
export async function partial(
  body: Renderable,
  options: { status?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  const text = typeof body === 'string' ? body : await body.toString();
  return new Response(text, {
    status: options.status ?? 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...options.headers },
  });
}
