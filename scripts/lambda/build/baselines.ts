import { bundleEntries, type BundleOutput } from './bundle.ts';

/** The smallest useful HTTP Lambda: what a cold start costs before any of our code. */
const HELLO_SOURCE = `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
export const handler = handle(new Hono().get('/hello', (c) => c.text('hello')));
`;

/**
 * The least a platform HTTP function does on its first invocation, written bare: its libraries
 * (Hono, zod, pino, pg) and their first use: the settings checked by a zod schema, a logger, a
 * pool and one query, a JSON answer. No platform code: our functions' distance from this is what
 * the platform itself costs, where their distance from hello includes what these libraries cost.
 */
const FLOOR_SOURCE = `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import pg from 'pg';
import pino from 'pino';
import * as z from 'zod';
const Settings = z.object({
  DATABASE_URL: z.string().url(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
});
let state;
export const handler = handle(new Hono().get('/hello', async (c) => {
  if (!state) {
    const settings = Settings.parse(process.env);
    state = { log: pino({ level: settings.LOG_LEVEL }), pool: new pg.Pool({ connectionString: settings.DATABASE_URL, max: 1 }) };
  }
  const { rows } = await state.pool.query('select 1 as ok');
  state.log.info({ rows: rows.length }, 'answered');
  return c.json(rows[0]);
}));
`;

/**
 * Bundle the bench's baselines with the same esbuild options as the functions, into
 * `<outDir>/hello/` and `<outDir>/floor/`, so cold starts compare code, not build settings.
 */
export async function buildBaselines(outDir: string): Promise<{ hello: BundleOutput; floor: BundleOutput }> {
  const [hello, floor] = await bundleEntries(
    [
      { id: 'hello', source: HELLO_SOURCE },
      { id: 'floor', source: FLOOR_SOURCE },
    ],
    outDir,
  );
  return { hello: hello!, floor: floor! };
}
