import type { Hono } from 'hono';
import { NotFoundError } from '../errors.ts';
import type { HttpEnv } from './env.ts';
import { staticAsset, type PackageFileReader } from './static-asset.ts';

/**
 * `GET /docs`: Swagger UI for `/openapi.json`, served from the installed `swagger-ui-dist`
 * package under `/docs/assets/*` (no CDN: the page works offline and under a strict CSP,
 * which is also why the initializer is a file rather than an inline script).
 */
export const DOCS_PATH = '/docs';
const ASSETS = `${DOCS_PATH}/assets`;

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const PNG = 'image/png';

/** The only files served from the package: an allow-list, not a directory listing. */
export const DOCS_PACKAGE = 'swagger-ui-dist';
export const DOCS_VENDOR_FILES: Record<string, string> = {
  'swagger-ui.css': CSS,
  'index.css': CSS,
  'swagger-ui-bundle.js': JS,
  'swagger-ui-standalone-preset.js': JS,
  'favicon-32x32.png': PNG,
  'favicon-16x16.png': PNG,
};

// Assets are versioned with the installed package but their URLs are not: cache for a day.
const CACHE = 'public, max-age=86400';

export interface DocsOptions {
  title: string;
  specPath: string;
  /** Where the vendor files come from: the installed package, or files embedded in a Lambda bundle. */
  readPackageFile: PackageFileReader;
}

export function registerDocs(app: Hono<HttpEnv>, options: DocsOptions): void {
  const page = docsPage(options.title);
  app.get(DOCS_PATH, (c) => c.html(page));

  const initializer = staticAsset({
    load: async () => initializerScript(options.specPath),
    contentType: JS,
    cacheControl: CACHE,
  });
  const vendor = new Map(
    Object.entries(DOCS_VENDOR_FILES).map(([file, contentType]) => [
      file,
      staticAsset({
        load: () => options.readPackageFile(DOCS_PACKAGE, file),
        contentType,
        cacheControl: CACHE,
      }),
    ]),
  );
  app.get(`${ASSETS}/:file`, (c) => {
    const file = c.req.param('file');
    if (file === 'swagger-initializer.js') return initializer(c);
    const serve = vendor.get(file);
    if (!serve) throw new NotFoundError(`No docs asset named ${file.slice(0, 100)}`);
    return serve(c);
  });
}

function docsPage(title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)} · API docs</title>
    <link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
    <link rel="stylesheet" href="${ASSETS}/index.css">
    <link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${ASSETS}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS}/swagger-ui-bundle.js"></script>
    <script src="${ASSETS}/swagger-ui-standalone-preset.js"></script>
    <script src="${ASSETS}/swagger-initializer.js"></script>
  </body>
</html>
`;
}

function initializerScript(specPath: string): string {
  const config = { url: specPath, dom_id: '#swagger-ui', deepLinking: true, layout: 'StandaloneLayout' };
  return `window.addEventListener('load', function () {
  var config = ${JSON.stringify(config)};
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
  config.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
  window.ui = SwaggerUIBundle(config);
});
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
