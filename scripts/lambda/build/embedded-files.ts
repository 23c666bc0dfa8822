import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { EmbeddedFile } from '../../../shared/lambda/types.ts';

const require = createRequire(import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/**
 * Read package files from node_modules at build time, for a bundle to serve from memory (there
 * is no node_modules on Lambda). Keys are `<package>/<path in package>`.
 *
 * @example
 *   await readEmbeddedFiles(['htmx.org/dist/htmx.min.js']);
 *   // { 'htmx.org/dist/htmx.min.js': { contentType: 'text/javascript; charset=utf-8', base64: '...' } }
 */
export async function readEmbeddedFiles(keys: readonly string[]): Promise<Record<string, EmbeddedFile>> {
  const entries = await Promise.all(
    keys.map(async (key) => {
      const contentType = CONTENT_TYPES[path.extname(key)];
      if (!contentType) throw new Error(`Cannot embed ${key}: no content type known for its extension`);
      const bytes = await readFile(packageFilePath(key));
      return [key, { contentType, base64: bytes.toString('base64') }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** `swagger-ui-dist/swagger-ui.css` → its path in node_modules; scoped packages take two segments. */
export function packageFilePath(key: string): string {
  const segments = key.split('/');
  const nameLength = key.startsWith('@') ? 2 : 1;
  const pkg = segments.slice(0, nameLength).join('/');
  const file = segments.slice(nameLength).join('/');
  if (!pkg || !file) throw new Error(`Embedded file keys look like '<package>/<path>', got '${key}'`);
  return path.join(packageDir(pkg), file);
}

/**
 * The installed package's folder, looked up the way Node does (node_modules folders upwards), but
 * without `require.resolve('<pkg>/package.json')`, which a package's `exports` map may forbid.
 */
function packageDir(pkg: string): string {
  const candidates = (require.resolve.paths(pkg) ?? []).map((modules) => path.join(modules, pkg));
  const found = candidates.find((dir) => existsSync(path.join(dir, 'package.json')));
  if (!found) throw new Error(`Cannot embed files of ${pkg}: the package is not installed`);
  return found;
}
