import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { Manifest } from '../runtime/manifest.ts';
import { registerDocs } from './docs.ts';
import type { HttpEnv } from './env.ts';
import { buildOpenApi, type OpenApiInfo } from './openapi.ts';
import { readPackageFile, staticAsset } from './static-asset.ts';

/** Where pages load htmx from: `<script src={HTMX_PATH}>`. */
export const HTMX_PATH = '/static/htmx.min.js';
export const OPENAPI_PATH = '/openapi.json';
export const METRICS_PATH = '/metrics';

export interface PlatformRoutesOptions {
  manifest: Manifest;
  metrics: Metrics;
  log: Logger;
  info: OpenApiInfo;
  /** Sample scrape-time gauges (queue depth, job counts) before `/metrics` renders. */
  beforeMetrics?: () => Promise<void>;
}

/**
 * Routes that are part of the platform rather than functions, because they need the manifest
 * or the metrics registry: `/metrics`, `/openapi.json`, `/docs` (+ assets), htmx.
 */
export function registerPlatformRoutes(app: Hono<HttpEnv>, options: PlatformRoutesOptions): void {
  const { manifest, metrics, log, info, beforeMetrics } = options;

  app.get(METRICS_PATH, async (c) => {
    if (beforeMetrics) {
      // A failed sample (broker down) must not cost the scrape: the other series still matter.
      await beforeMetrics().catch((err: unknown) =>
        log.warn({ err }, 'sampling metrics before a scrape failed'),
      );
    }
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });

  // The manifest does not change while the process runs: build the document once, on first use.
  let openapi: string | undefined;
  app.get(OPENAPI_PATH, (c) => {
    openapi ??= JSON.stringify(buildOpenApi(manifest, info));
    return c.body(openapi, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  registerDocs(app, { title: info.title, specPath: OPENAPI_PATH });

  app.get(
    HTMX_PATH,
    staticAsset({
      load: () => readPackageFile('htmx.org', 'dist/htmx.min.js'),
      contentType: 'text/javascript; charset=utf-8',
      // Every page loads it, so browsers keep it for a year; after upgrading htmx, pages should
      // reference it with a query (`?v=2.1`) to get the new file.
      cacheControl: 'public, max-age=31536000, immutable',
    }),
  );
}
