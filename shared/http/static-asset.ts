import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Context } from 'hono';

const require = createRequire(import.meta.url);

/**
 * Where a file of an installed package lives, e.g. `packageFile('htmx.org', 'dist/htmx.min.js')`.
 * Resolved on demand, so code that never serves the file (a Lambda bundle) never needs the package.
 */
export function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

export interface StaticAssetOptions {
  /** Produces the bytes; called on the first request only. */
  load: () => Promise<Uint8Array | string>;
  contentType: string;
  cacheControl: string;
}

/**
 * Serve one file from memory with an ETag (answering 304 to a matching If-None-Match). The
 * file is read on first request, then kept: these are a few small, immutable vendor files.
 *
 * @example
 *   app.get('/static/htmx.min.js', staticAsset({
 *     load: () => readFile(packageFile('htmx.org', 'dist/htmx.min.js')),
 *     contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=86400',
 *   }));
 */
export function staticAsset(options: StaticAssetOptions): (c: Context) => Promise<Response> {
  let loading: Promise<{ body: Uint8Array; etag: string }> | undefined;
  const load = async () => {
    const data = await options.load();
    const body = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
  };
  return async (c) => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined; // a missing file is retried on the next request, not cached
      throw err;
    });
    const { body, etag } = await loading;
    const headers = { etag, 'cache-control': options.cacheControl };
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response(body, { headers: { ...headers, 'content-type': options.contentType } });
  };
}

/** Reads one file of a package: `(pkg, file) => bytes`. */
export type PackageFileReader = (pkg: string, file: string) => Promise<Uint8Array>;

/** Read a file of an installed package (see `packageFile`). */
export function readPackageFile(pkg: string, file: string): Promise<Buffer> {
  return readFile(packageFile(pkg, file));
}
