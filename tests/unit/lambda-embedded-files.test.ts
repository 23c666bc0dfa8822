import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFilePath, readEmbeddedFiles } from '../../scripts/lambda/build/embedded-files.ts';
import { PROJECT_ROOT } from '../../scripts/lambda/build/bundle.ts';

describe('embedded package files', () => {
  it('finds a file inside its installed package, scoped or not', () => {
    expect(packageFilePath('htmx.org/dist/htmx.min.js')).toBe(
      path.join(PROJECT_ROOT, 'node_modules/htmx.org/dist/htmx.min.js'),
    );
    expect(packageFilePath('@hono/node-server/package.json')).toBe(
      path.join(PROJECT_ROOT, 'node_modules/@hono/node-server/package.json'),
    );
  });

  it('reads the bytes as base64 with a content type from the extension', async () => {
    const keys = [
      'htmx.org/dist/htmx.min.js',
      'swagger-ui-dist/swagger-ui.css',
      'swagger-ui-dist/favicon-16x16.png',
    ];
    const files = await readEmbeddedFiles(keys);
    expect(Object.keys(files)).toEqual(keys);
    expect(files[keys[0]!]?.contentType).toBe('text/javascript; charset=utf-8');
    expect(files[keys[1]!]?.contentType).toBe('text/css; charset=utf-8');
    expect(files[keys[2]!]?.contentType).toBe('image/png');
    const png = await readFile(path.join(PROJECT_ROOT, 'node_modules/swagger-ui-dist/favicon-16x16.png'));
    expect(Buffer.from(files[keys[2]!]!.base64, 'base64').equals(png)).toBe(true);
  });

  it('refuses a file without a known type, a key without a path, a package not installed', async () => {
    await expect(readEmbeddedFiles(['swagger-ui-dist/package.json'])).rejects.toThrow(/no content type/);
    expect(() => packageFilePath('htmx.org')).toThrow(/<package>\/<path>/);
    expect(() => packageFilePath('no-such-package-here/index.js')).toThrow(/not installed/);
  });
});
