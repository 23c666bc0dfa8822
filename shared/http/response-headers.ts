/**
 * Add a header to a handler's response. Most responses are built with `new Response()` and
 * have mutable headers, so this is usually free; responses from `fetch()` or
 * `Response.redirect()` have immutable headers and are copied (the body stream is reused).
 */
export function withHeader(
  response: Response,
  name: string,
  value: string,
  mode: 'set' | 'append' = 'set',
): Response {
  try {
    response.headers[mode](name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers[mode](name, value);
    return copy;
  }
}
