import type { Hono } from 'hono';
import { tokensMatch } from '../auth/csrf.ts';
import { allowsGeneratedSecrets, type Config } from '../config.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { Manifest } from '../runtime/manifest.ts';
import { DOCS_PACKAGE, DOCS_VENDOR_FILES, registerDocs } from './docs.ts';
import type { HttpEnv } from './env.ts';
import type { OpenApiInfo } from './openapi.ts';
import { DRAFTS_JS, DRAFTS_PATH } from './drafts.ts';
import { FAVICON_PATH, FAVICON_PNG } from './favicon.ts';
import { readPackageFile, staticAsset, type PackageFileReader } from './static-asset.ts';

/** Where pages load htmx from: `<script src={HTMX_PATH}>`. */
export const HTMX_PATH = '/static/htmx.min.js';
export const OPENAPI_PATH = '/openapi.json';
export const METRICS_PATH = '/metrics';

const HTMX_FILE = { pkg: 'htmx.org', file: 'dist/htmx.min.js' };

/** Every package file the asset routes serve, as `{ pkg, file }` (a Lambda bundle embeds these). */
export const ASSET_PACKAGE_FILES: { pkg: string; file: string }[] = [
  HTMX_FILE,
  ...Object.keys(DOCS_VENDOR_FILES).map((file) => ({ pkg: DOCS_PACKAGE, file })),
];

/**
 * Who may scrape `/metrics`: anyone (development), holders of a bearer token (METRICS_TOKEN), or
 * nobody (production without a token: the answer says what to set).
 */
export type MetricsAccess = { type: 'open' } | { type: 'token'; token: string } | { type: 'closed' };

/**
 * The deployment's rule for `/metrics`. The series name every route, queue and job kind, and count
 * failures: nothing an anonymous visitor of a production site should read.
 *
 * @example
 *   metricsAccessOf({ NODE_ENV: 'production', METRICS_TOKEN: undefined }); // { type: 'closed' }
 */
export function metricsAccessOf(
  config: Pick<Config, 'NODE_ENV' | 'METRICS_TOKEN'> | undefined,
): MetricsAccess {
  if (config?.METRICS_TOKEN) return { type: 'token', token: config.METRICS_TOKEN };
  return config && !allowsGeneratedSecrets(config.NODE_ENV) ? { type: 'closed' } : { type: 'open' };
}

export interface PlatformRoutesOptions {
  manifest: Manifest;
  metrics: Metrics;
  log: Logger;
  info: OpenApiInfo;
  /** Serve `/docs` and `/openapi.json` (DOCS_ENABLED). */
  docs: boolean;
  metricsAccess: MetricsAccess;
  /** Sample scrape-time gauges (queue depth, job counts) before `/metrics` renders. */
  beforeMetrics?: () => Promise<void>;
}

/**
 * Routes that are part of the platform rather than functions, because they need the manifest
 * or the metrics registry: `/metrics`, `/openapi.json`, `/docs` (+ assets), htmx.
 */
export function registerPlatformRoutes(app: Hono<HttpEnv>, options: PlatformRoutesOptions): void {
  const { manifest, metrics, log, info, beforeMetrics, metricsAccess } = options;

  app.get(METRICS_PATH, async (c) => {
    refuseScrape(c.req.header('authorization'), metricsAccess);
    if (beforeMetrics) {
      // A failed sample (broker down) must not cost the scrape: the other series still matter.
      await beforeMetrics().catch((err: unknown) =>
        log.warn({ err }, 'sampling metrics before a scrape failed'),
      );
    }
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });

  registerAssetRoutes(app, {
    docs: options.docs,
    // Imported on first request: the JSON Schema conversion is a large part of zod that nothing
    // else needs, and a Lambda bundle that never serves the document never loads it.
    openapi: async () => (await import('./openapi.ts')).buildOpenApi(manifest, info),
    title: info.title,
    readPackageFile,
  });
}

/** Throws 401/403 unless the request may scrape `/metrics`. */
function refuseScrape(authorization: string | undefined, access: MetricsAccess): void {
  if (access.type === 'open') return;
  if (access.type === 'closed') {
    throw new ForbiddenError('/metrics is closed in production until METRICS_TOKEN is set');
  }
  const given = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!tokensMatch(access.token, given)) {
    throw new UnauthorizedError('/metrics needs the bearer token set in METRICS_TOKEN');
  }
}

export interface AssetRoutesOptions {
  /** Serve `/docs` and `/openapi.json`; htmx is served either way. */
  docs: boolean;
  /** The OpenAPI document; built on first request, then kept (the manifest does not change). */
  openapi: () => object | Promise<object>;
  title: string;
  readPackageFile: PackageFileReader;
}

/**
 * What a browser needs besides the functions: `/openapi.json`, `/docs` (+ assets), htmx, the
 * drafts script and the icon.
 * The runner reads the files from node_modules; the Lambda `platform-assets` bundle from
 * files embedded at build time.
 */
export function registerAssetRoutes(app: Hono<HttpEnv>, options: AssetRoutesOptions): void {
  if (options.docs) {
    let openapi: Promise<string> | undefined;
    app.get(OPENAPI_PATH, async (c) => {
      openapi ??= Promise.resolve(options.openapi()).then((document) => JSON.stringify(document));
      return c.body(await openapi, 200, { 'content-type': 'application/json; charset=utf-8' });
    });
    registerDocs(app, {
      title: options.title,
      specPath: OPENAPI_PATH,
      readPackageFile: options.readPackageFile,
    });
  }

  app.get(FAVICON_PATH, (c) =>
    c.body(new Uint8Array(FAVICON_PNG), 200, {
      'content-type': 'image/png',
      'cache-control': 'public, max-age=604800',
    }),
  );

  app.get(
    DRAFTS_PATH,
    staticAsset({
      load: async () => DRAFTS_JS,
      contentType: 'text/javascript; charset=utf-8',
      // Small and rarely changed; an hour keeps a deploy's change from waiting long.
      cacheControl: 'public, max-age=3600',
    }),
  );

  app.get(
    HTMX_PATH,
    staticAsset({
      load: () => options.readPackageFile(HTMX_FILE.pkg, HTMX_FILE.file),
      contentType: 'text/javascript; charset=utf-8',
      // Every page loads it, so browsers keep it for a year; after upgrading htmx, pages should
      // reference it with a query (`?v=2.1`) to get the new file.
      cacheControl: 'public, max-age=31536000, immutable',
    }),
  );
}
