import { bundleEntries, type BundleOutput } from './bundle.ts';

/** The smallest useful HTTP Lambda: what a cold start costs before any of our code. */
const HELLO_SOURCE = `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
export const handler = handle(new Hono().get('/hello', (c) => c.text('hello')));
`;

/**
 * Bundle the bench's baseline with the same esbuild options as the functions, into
 * `<outDir>/hello/index.mjs`, so cold starts compare code, not build settings.
 */
export async function buildHelloBaseline(outDir: string): Promise<BundleOutput> {
  const [hello] = await bundleEntries([{ id: 'hello', source: HELLO_SOURCE }], outDir);
  return hello!;
}
