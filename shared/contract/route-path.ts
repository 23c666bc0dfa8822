/** A `:name` param: a JavaScript identifier, as the handler reads it from `params`. */
const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)$/;
/**
 * A literal segment: RFC 3986 path characters (unreserved, sub-delims, `@`, percent-escapes)
 * without the ones Hono reads as route syntax (`:`, `*`, `?`, `{}`).
 */
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()+,;=@]|%[0-9A-Fa-f]{2})+$/;

/**
 * Why `path` cannot be a function's route, or undefined when it can. A route is served by Hono
 * locally and by API Gateway's HTTP API on Lambda, so only what both read the same way passes:
 * a leading `/`, literal segments and plain `:name` params (each name once), and at most a
 * trailing `/`. Hono's optional (`:id?`), regex (`:id{[0-9]+}`) and wildcard (`*`) routes have no
 * HTTP API equivalent; a query string belongs in `query`.
 *
 * @example
 *   routePathProblem('/items/:id/edit'); // undefined
 *   routePathProblem('/items//edit'); // "'//' makes an empty segment"
 */
export function routePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return "a path must start with '/'";
  if (/\s/.test(path)) return 'a path must not contain whitespace';
  if (path.includes('?')) {
    return "a path must not contain '?' (a query string belongs in `query`; optional params have no HTTP API equivalent)";
  }
  if (path.includes('#')) return "a path must not contain a fragment ('#')";
  if (path.includes('//')) return "'//' makes an empty segment";
  const segments = path.slice(1).split('/');
  // `/` alone, or a trailing slash: an empty last segment.
  if (segments.at(-1) === '') segments.pop();
  const params = new Set<string>();
  for (const segment of segments) {
    if (segment.startsWith(':')) {
      const name = PARAM.exec(segment)?.[1];
      if (name === undefined) {
        return `param '${segment}' must be ':' and an identifier (letters, digits, _; not a digit first)`;
      }
      if (params.has(name)) return `param ':${name}' appears twice`;
      params.add(name);
    } else if (segment === '.' || segment === '..') {
      return `dot segment '${segment}' is resolved away by clients`;
    } else if (!LITERAL.test(segment)) {
      return `segment '${segment}' has characters a route cannot hold (wildcards, braces, ':' inside a segment)`;
    }
  }
  return undefined;
}
