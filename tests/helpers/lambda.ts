import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import type { HttpResult } from '../../shared/lambda/types.ts';
import { loadManifest, topologyOf, type Manifest } from '../../shared/runtime/manifest.ts';
import { createPlatform, type Platform } from '../../shared/runtime/platform.ts';
import type { LambdaBuild } from '../../scripts/build.ts';
import { invokeBundle, type InvokeResult } from '../../scripts/lambda/invoke.ts';
import { createTestDb, type TestDb } from './db.ts';
import { createTestDriver, testLog, type TestDriver } from './platform.ts';
import { SQS_TEST_CREDENTIALS, SQS_TEST_REGION } from './sqs.ts';

/** The bundles of a test file: built once per run by the `lambda` project's global setup. */
export interface Bundles {
  bundle(id: string): LambdaBuild;
  ids: string[];
}

/**
 * The project's bundles (or the fixture app's), as built by tests/setup/lambda-bundles.ts for the
 * whole run. Only test files of the `lambda` project (vitest.config.ts) can use them.
 *
 * @example
 *   const bundles = sharedBundles();
 *   await invoke(bundles.bundle('platform-healthz'), [httpEvent({ path: '/healthz' })], env);
 */
export function sharedBundles(which: 'project' | 'fixture' = 'project'): Bundles {
  const builds = inject('lambdaBundles')[which];
  const byId = new Map(builds.map((build) => [build.id, build]));
  return {
    bundle(id) {
      const build = byId.get(id);
      if (!build) throw new Error(`no bundle ${id} was built (built: ${[...byId.keys()].join(', ')})`);
      return build;
    },
    ids: [...byId.keys()],
  };
}

/**
 * What a deployed function sees: a Postgres database and SQS queues created for the real
 * manifest (by the test, as the template would), plus the local runner's platform on the very
 * same database and queues, for side-by-side comparisons.
 */
export interface LambdaStack {
  manifest: Manifest;
  testDb: TestDb;
  sqs: TestDriver;
  platform: Platform;
  /** The environment a bundle gets (the template's variables, pointed at the test services). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createLambdaStack(extraEnv: Record<string, string> = {}): Promise<LambdaStack> {
  const manifest = await loadManifest();
  const testDb = await createTestDb('postgres');
  const sqs = await createTestDriver('sqs');
  await sqs.driver.declare(topologyOf(manifest));
  const env = {
    DATABASE_URL: testDb.url!,
    QUEUE_DRIVER: 'sqs',
    QUEUE_PREFIX: sqs.env.QUEUE_PREFIX!,
    SQS_ENDPOINT: sqs.env.SQS_ENDPOINT!,
    AWS_REGION: SQS_TEST_REGION,
    AWS_ACCESS_KEY_ID: SQS_TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SQS_TEST_CREDENTIALS.secretAccessKey,
    LOG_LEVEL: 'info',
    // As the template deploys them; the runner beside them too, so both set the same cookies.
    NODE_ENV: 'production',
    // Bundles run with NODE_ENV=production, where the platform insists on real secrets.
    JWT_SECRET: 'lambda-test-jwt-secret-0123456789abcdef',
    SESSION_SECRET: 'lambda-test-session-secret-0123456789abcdef',
    // Files the apps keep (the imports inbox and file store) go to a folder of this stack.
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'lambda-stack-')),
    ...extraEnv,
  };
  const platform = createPlatform({
    config: loadConfig(env),
    log: testLog,
    db: testDb.db,
    driver: sqs.driver,
    manifest,
  });
  return {
    manifest,
    testDb,
    sqs,
    platform,
    env,
    async close() {
      await sqs.cleanup(topologyOf(manifest).queues.map((q) => q.name));
      await testDb.drop();
    },
  };
}

/** Invoke a bundle in a fresh process; a bundle that cannot load fails the test with its logs. */
export async function invoke(
  build: LambdaBuild,
  events: unknown[],
  env: Record<string, string>,
): Promise<InvokeResult> {
  const run = await invokeBundle({ bundleDir: build.dir, events, env });
  expect(run.initError, `${build.id} did not load:\n${run.logs}`).toBeUndefined();
  expect(run.invocations, `${build.id} did not answer every event:\n${run.logs}`).toHaveLength(events.length);
  return run;
}

/** The result of each invocation; an invocation that threw fails the test with the logs. */
export function resultsOf<T>(run: InvokeResult): T[] {
  return run.invocations.map((invocation, index) => {
    expect(invocation.error, `invocation ${index} threw:\n${run.logs}`).toBeUndefined();
    return invocation.result as T;
  });
}

/** An HTTP answer in one shape, from the runner (a Response) or from Lambda (a result object). */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export async function answerOfResponse(response: Response): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return {
    status: response.status,
    headers,
    cookies: response.headers.getSetCookie(),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

export function answerOfLambda(result: HttpResult): HttpAnswer {
  const headers: Record<string, string> = {};
  // A REST API (v1) answer carries its headers in multiValueHeaders, others in headers.
  const multi = (result as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders ?? {};
  const entries: [string, string][] = [
    ...Object.entries(result.headers ?? {}).map(([name, value]): [string, string] => [name, String(value)]),
    ...Object.entries(multi).map(([name, values]): [string, string] => [name, values.join(', ')]),
  ];
  for (const [name, value] of entries) {
    if (name.toLowerCase() !== 'set-cookie') headers[name.toLowerCase()] = value;
  }
  const cookies = [
    ...((result as { cookies?: string[] }).cookies ?? []),
    ...Object.entries(multi).flatMap(([name, values]) => (name.toLowerCase() === 'set-cookie' ? values : [])),
  ];
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { status: result.statusCode, headers, cookies, body };
}
