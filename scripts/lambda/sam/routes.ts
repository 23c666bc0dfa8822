/**
 * A Hono route path as an API Gateway HTTP API route: `/jobs/:id` → `/jobs/{id}`.
 *
 * HTTP API cannot declare a trailing slash (`/gradcafe/`): SAM silently drops such a route.
 * It routes `/gradcafe/` to the `/gradcafe` route and passes the path as sent in `rawPath`, so
 * the function's own router still sees the slash. Anything but plain `:name` params (Hono's
 * optional `:id?`, regex `:id{[0-9]+}`, wildcards) has no HTTP API equivalent and is refused.
 */
export function httpApiPath(honoPath: string): string {
  const trimmed = honoPath.length > 1 ? honoPath.replace(/\/$/, '') : honoPath;
  const segments = trimmed.split('/').map((segment) => {
    const param = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(segment);
    if (param) return `{${param[1]}}`;
    if (/[:*?{}]/.test(segment)) {
      throw new TypeError(
        `route '${honoPath}': segment '${segment}' has no API Gateway equivalent (use plain ':name' params)`,
      );
    }
    return segment;
  });
  return segments.join('/') || '/';
}
