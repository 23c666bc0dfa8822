import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpHandler } from '../../shared/lambda/http.ts';
import type { HttpResult, LambdaDeployment } from '../../shared/lambda/types.ts';
import { topologyOf, type FunctionEntry } from '../../shared/runtime/manifest.ts';
import type { HttpDefinition } from '../../shared/contract/http.ts';
import { httpEvent } from '../../scripts/lambda/events.ts';
import { withAdminClient } from '../helpers/db.ts';
import { createLambdaStack, type LambdaStack } from '../helpers/lambda.ts';

/**
 * What a warm container keeps between invocations (in this process, as one container would):
 * the pg pool is reused, not reopened per invocation.
 */
let stack: LambdaStack;

beforeAll(async () => {
  stack = await createLambdaStack();
  for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
  vi.stubEnv('LOG_LEVEL', 'silent');
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.close();
});

function context(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'platform-readyz',
    getRemainingTimeInMillis: () => 29_000,
  } as Context;
}

/** Connections to this test's database by one application name (other test files use other databases). */
async function connectionsOf(applicationName: string): Promise<number> {
  const database = new URL(stack.env.DATABASE_URL!).pathname.slice(1);
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = $2',
      [applicationName, database],
    );
    return rows[0]!.n;
  });
}

describe('a warm container', () => {
  it('reuses its database connections across invocations', async () => {
    const entry = stack.manifest.http.find(
      (h) => h.id === 'platform-readyz',
    ) as FunctionEntry<HttpDefinition>;
    const deployment: LambdaDeployment = {
      topology: topologyOf(stack.manifest),
      summary: { schedules: [] },
    };
    const handler = httpHandler(entry, deployment);
    const event = httpEvent({ method: 'GET', path: '/readyz' });

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(((await handler(event, context(`req-${i}`))) as HttpResult).statusCode);

    expect(statuses).toEqual(Array(8).fill(200));
    // Eight invocations, one connection (readiness runs one query at a time), still open for the next.
    expect(await connectionsOf('fnstack-lambda-platform-readyz')).toBe(1);
  });
});
