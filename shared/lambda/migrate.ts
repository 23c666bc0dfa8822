import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ConfigError, loadConfig } from '../config.ts';
import { createServerDb } from '../db/server.ts';
import { migrate, type Migration } from '../db/migrate.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { invocationFields, invocationScope } from './invocation.ts';
import type { LambdaHandler } from './types.ts';

/** The physical id of the migrations custom resource: one per stack, never replaced. */
const PHYSICAL_ID = 'fnstack-migrations';

/**
 * The `platform-migrate` function: applies the migrations embedded in its bundle at build time
 * (there is no `sql/` folder on Lambda). The template invokes it during every deploy that changes
 * the migrations, as a CloudFormation custom resource that every other function waits for, and
 * it can be invoked by hand (`sam remote invoke PlatformMigrate`). Applying is idempotent and
 * serialized by an advisory lock, so a second invocation applies nothing.
 */
export function migrateHandler(migrations: Migration[]): LambdaHandler<unknown, { applied: string[] }> {
  async function apply(log: Logger): Promise<string[]> {
    const config = loadConfig();
    const db = await createServerDb(config, { max: 1, applicationName: 'fnstack-lambda-migrate', log });
    if (!db) throw new ConfigError('DATABASE_URL or DATABASE_SECRET_ID is required on Lambda');
    try {
      const applied = await migrate(db, migrations, log);
      log.info({ applied, known: migrations.length }, 'migrations applied');
      return applied;
    } finally {
      // Rarely invoked: no reason to keep a connection open in a frozen container.
      await db.close();
    }
  }

  async function handle(event: unknown): Promise<{ applied: string[] }> {
    const log = createLogger(process.env.LOG_LEVEL, { mixin: invocationFields }).child({
      function: 'platform-migrate',
    });
    if (!isCustomResourceEvent(event)) return { applied: await apply(log) };

    // CloudFormation waits for an answer at ResponseURL (up to an hour): one is always sent.
    let applied: string[] = [];
    let failure: string | undefined;
    try {
      if (event.RequestType !== 'Delete') applied = await apply(log);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
      log.error({ err }, 'migrations failed; the deploy will roll back');
    }
    await respond(event, failure, applied);
    return { applied };
  }

  return middy(handle).use(invocationScope());
}

function isCustomResourceEvent(event: unknown): event is CloudFormationCustomResourceEvent {
  const candidate = event as Partial<CloudFormationCustomResourceEvent> | null;
  return typeof candidate?.ResponseURL === 'string' && typeof candidate.RequestType === 'string';
}

/** The custom resource protocol: PUT the outcome to the pre-signed URL (an empty content type, as S3 expects). */
async function respond(
  event: CloudFormationCustomResourceEvent,
  failure: string | undefined,
  applied: string[],
): Promise<void> {
  const body = JSON.stringify({
    Status: failure === undefined ? 'SUCCESS' : 'FAILED',
    Reason: failure ?? `applied ${applied.length} migration(s)`,
    PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { Applied: applied.length },
  });
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
  });
  if (!response.ok) throw new Error(`CloudFormation response was refused: HTTP ${response.status}`);
}
