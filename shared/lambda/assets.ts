import { loadConfig } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import { createHttpApp, DEFAULT_API_INFO } from '../http/app.ts';
import { ASSET_PACKAGE_FILES, registerAssetRoutes } from '../http/platform-routes.ts';
import { createLogger } from '../observability/logger.ts';
import { honoLambda } from './hono.ts';
import { lambdaMetrics } from './metrics.ts';
import { invocationFields } from './invocation.ts';
import type { EmbeddedFile, HttpLambda } from './types.ts';

/** Keys (`<package>/<file>`) of the files the build embeds in the `platform-assets` bundle. */
export const EMBEDDED_PACKAGE_FILES: string[] = ASSET_PACKAGE_FILES.map(({ pkg, file }) => `${pkg}/${file}`);

export interface EmbeddedAssets {
  /** The OpenAPI document of the whole manifest, built at build time. */
  openapi: object;
  files: Record<string, EmbeddedFile>;
}

/**
 * The `platform-assets` function: `/openapi.json`, `/docs` and htmx, the routes the runner
 * serves beside the functions, from files embedded at build time (a Lambda has no
 * node_modules). No database or queue: it answers from memory.
 */
export function assetsHandler(assets: EmbeddedAssets): HttpLambda {
  return honoLambda(() => {
    const config = loadConfig();
    const log = createLogger(config.LOG_LEVEL, { mixin: invocationFields }).child({
      function: 'platform-assets',
    });
    return createHttpApp({
      manifest: { http: [], tasks: [], schedules: [] },
      makeCtx: () => {
        throw new Error('platform-assets serves no functions');
      },
      log,
      metrics: lambdaMetrics,
      config,
      platformRoutes: false,
      extraRoutes: (app) =>
        registerAssetRoutes(app, {
          docs: config.DOCS_ENABLED,
          openapi: () => assets.openapi,
          title: DEFAULT_API_INFO.title,
          readPackageFile: async (pkg, file) => {
            const embedded = assets.files[`${pkg}/${file}`];
            if (!embedded) throw new NotFoundError(`${pkg}/${file} is not embedded in this bundle`);
            return Buffer.from(embedded.base64, 'base64');
          },
        }),
    });
  });
}
