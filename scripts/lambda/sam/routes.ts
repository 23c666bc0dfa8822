import { routePathProblem } from '../../../shared/contract/route-path.ts';

/**
 * A Hono route path as an API Gateway HTTP API route: `/jobs/:id` → `/jobs/{id}`.
 *
 * HTTP API cannot declare a trailing slash (`/gradcafe/`): SAM silently drops such a route.
 * It routes `/gradcafe/` to the `/gradcafe` route and passes the path as sent in `rawPath`, so
 * the function's own router still sees the slash. A path outside the route rules both read the
 * same way (routePathProblem: only plain `:name` params, no wildcards) is refused; defineHttp
 * applies the same rules, so this only trips on routes declared some other way.
 */
export function httpApiPath(honoPath: string): string {
  const problem = routePathProblem(honoPath);
  if (problem) throw new TypeError(`route '${honoPath}' has no API Gateway equivalent: ${problem}`);
  const trimmed = honoPath.length > 1 ? honoPath.replace(/\/$/, '') : honoPath;
  return trimmed.replace(/\/:([A-Za-z0-9_]+)/g, '/{$1}');
}
