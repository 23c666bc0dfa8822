import { loadConfig, type Config } from '../../../shared/config.ts';
import { DOCS_PATH } from '../../../shared/http/docs.ts';
import { DRAFTS_PATH } from '../../../shared/http/drafts.ts';
import { FAVICON_PATH } from '../../../shared/http/favicon.ts';
import { HTMX_PATH, OPENAPI_PATH } from '../../../shared/http/platform-routes.ts';
import { MAX_QUEUE_NAME_LENGTH, sqsQueueNames } from '../../../shared/queue/sqs/names.ts';
import { mountPath, queueName, type FunctionEntry, type Manifest } from '../../../shared/runtime/manifest.ts';
import { DEFAULT_LAMBDA_SIZES, lambdaSize, type LambdaSize } from '../../../shared/contract/lambda.ts';
import { activeCron, type ScheduleDefinition } from '../../../shared/contract/schedule.ts';
import type { TaskDefinition } from '../../../shared/contract/task.ts';
import { ASSETS_ID, MIGRATE_ID, OUTBOX_SWEEP_ID } from '../build/entries.ts';
import { taskBatching } from '../../../shared/lambda/task-batching.ts';
import { toAwsCron } from '../../../shared/contract/aws-cron.ts';
import { createHash } from 'node:crypto';
import type { Migration } from '../../../shared/db/migrate.ts';
import { logicalId, logicalIdRegistry } from './names.ts';
import { httpApiPath } from './routes.ts';

/**
 * The AWS SAM template of a manifest: one Lambda per function (plus the synthetic
 * `platform-migrate` and `platform-assets`), one HTTP API for every route, an SQS queue and DLQ
 * per task, an EventBridge rule per enabled schedule. Pure: the same manifest gives the same
 * template, which is what the committed infra/sam/template.yaml is checked against.
 *
 * Intrinsics are written long-form (`{ Ref: ... }`, `{ 'Fn::Sub': ... }`) so the YAML needs no
 * custom tags.
 *
 * @example
 *   const template = samTemplate(await loadManifest());
 *   template.Resources.GradcafePullData; // { Type: 'AWS::Serverless::Function', ... }
 */
export interface SamTemplate {
  AWSTemplateFormatVersion: string;
  Transform: string;
  Description: string;
  Parameters: Record<string, Record<string, unknown>>;
  Conditions: Record<string, unknown>;
  Globals: { Function: Record<string, unknown> };
  Resources: Record<string, SamResource>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
}

export interface SamResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string;
}

/** Relative to infra/sam/, where the template lives; the Lambda build writes `<id>.zip` there. */
export const CODE_DIR = '../../dist/lambda';
export const HTTP_API_ID = 'HttpApi';
export const MIGRATE_ON_DEPLOY_ID = 'MigrateOnDeploy';
/** Lambda's advice for a queue feeding a function: six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's longest retention: a dead letter should outlive whoever has to look into it. */
export const DLQ_RETENTION_SECONDS = 1_209_600;
/** An SQS event source's batch without a batching window, and its most with one. */
const DEFAULT_BATCH_SIZE = 10;
/** Receives beyond the retry policy's attempts before SQS moves a message to the DLQ itself. */
export const REDRIVE_MARGIN = 2;
const MAX_BATCH_SIZE = 10_000;
/** The range AWS allows for an SQS event source's MaximumConcurrency. */
const CONCURRENCY = { min: 2, max: 1000 };
const MIGRATE_SIZE: LambdaSize = { memoryMb: 512, timeoutSeconds: 300 };

/** What `platform-assets` serves (the per-function bundles leave these out), Hono-style like every route. */
export const ASSET_ROUTES: readonly string[] = [
  OPENAPI_PATH,
  DOCS_PATH,
  `${DOCS_PATH}/assets/:file`,
  HTMX_PATH,
  DRAFTS_PATH,
  FAVICON_PATH,
];

const ref = (name: string) => ({ Ref: name });
const sub = (text: string) => ({ 'Fn::Sub': text });
const arnOf = (resource: string) => ({ 'Fn::GetAtt': [resource, 'Arn'] });

/**
 * What the functions' SDK calls need (tests/lambda/sam-policy.test.ts checks every SQS command a
 * bundle imports against this, queue by queue):
 * - every function may publish (HTTP triggers, schedules, tasks that queue more work, dead
 *   letters), so all may send to the deployment's queues and look them up;
 * - a task sets a failed record's retry delay by changing its visibility on its own (main) queue,
 *   and the dead-letter listing does the same on a DLQ, so that is granted on both;
 * - reading and deleting stays limited to the dead-letter queues (the DLQ list and replay routes):
 *   a task's own queue is polled by its event source mapping, with the permissions SAM gives the
 *   role it makes for a function with an SQS event (the AWS managed AWSLambdaSQSQueueExecutionRole:
 *   ReceiveMessage, DeleteMessage, GetQueueAttributes), so no function names its own `Role`;
 * - ListQueues is the readiness check (`GET /readyz`), which IAM can only scope to the account.
 */
const QUEUES = 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueuePrefix}*';
const QUEUE_POLICY = {
  Statement: [
    {
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      Resource: sub(QUEUES),
    },
    {
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: sub(`${QUEUES}-dlq`),
    },
    {
      Effect: 'Allow',
      Action: ['sqs:ListQueues'],
      Resource: sub('arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*'),
    },
  ],
};

/** Reading the database's credentials, when DatabaseSecretId names a secret (by name: AWS adds a suffix). */
const DATABASE_SECRET_POLICY = {
  'Fn::If': [
    'HasDatabaseSecret',
    {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: sub(
            'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${DatabaseSecretId}-*',
          ),
        },
      ],
    },
    ref('AWS::NoValue'),
  ],
};

export function samTemplate(
  manifest: Manifest,
  config: Config = loadConfig({}),
  migrations: readonly Migration[] = [],
): SamTemplate {
  const claim = logicalIdRegistry();
  const resources: Record<string, SamResource> = {
    [claim(HTTP_API_ID, 'the HTTP API')]: {
      Type: 'AWS::Serverless::HttpApi',
      // A route SAM or API Gateway cannot create fails the deploy instead of vanishing.
      Properties: { FailOnWarnings: true },
    },
  };
  const routes = new Map<string, string>();
  const httpEvent = (method: string, path: string, owner: string) => {
    const apiPath = httpApiPath(path);
    const route = `${method} ${apiPath}`;
    const other = routes.get(route);
    if (other) throw new TypeError(`${owner} and ${other} both serve the HTTP API route ${route}`);
    routes.set(route, owner);
    return [
      logicalId(`${method.toLowerCase()}-${apiPath}`),
      { Type: 'HttpApi', Properties: { ApiId: ref(HTTP_API_ID), Path: apiPath, Method: method } },
    ] as const;
  };

  for (const entry of manifest.http) {
    const { method } = entry.definition;
    const path = mountPath(entry);
    resources[claim(logicalId(entry.id), entry.file)] = lambda(entry.id, sizeOf(entry), {
      Description: `${method} ${path} (${entry.file})`,
      Events: Object.fromEntries([httpEvent(method, path, entry.file)]),
    });
  }

  const names = sqsQueueNames('');
  for (const entry of manifest.tasks) {
    const size = sizeOf(entry);
    const fn = claim(logicalId(entry.id), entry.file);
    const queue = claim(`${fn}Queue`, `${entry.file} (queue)`);
    const dlq = claim(`${fn}DeadLetterQueue`, `${entry.file} (dead-letter queue)`);
    resources[fn] = lambda(entry.id, size, {
      Description: `task ${entry.definition.consumes.join(', ')} (${entry.file})`,
      Events: { FromQueue: sqsEvent(entry, queue) },
    });
    // The prefix parameter must stay within SQS's characters (see QueuePrefix's AllowedPattern):
    // then sanitising `prefix + queue` equals prefix + sanitised queue, exactly as the driver names it.
    resources[queue] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: sub(`\${QueuePrefix}${names.main(queueName(entry))}`),
        VisibilityTimeout: VISIBILITY_TIMEOUT_FACTOR * size.timeoutSeconds,
        // The adapter dead-letters the last attempt itself, with its reason; the redrive policy is
        // the backstop for receives that were no attempt (a timed-out batch, a crash), so a
        // little above the attempts.
        RedrivePolicy: {
          deadLetterTargetArn: arnOf(dlq),
          maxReceiveCount: entry.definition.retry.attempts + REDRIVE_MARGIN,
        },
      },
    };
    resources[dlq] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: sub(`\${QueuePrefix}${names.dlq(queueName(entry))}`),
        MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
      },
    };
  }

  for (const entry of manifest.schedules) {
    resources[claim(logicalId(entry.id), entry.file)] = lambda(
      entry.id,
      sizeOf(entry),
      scheduleProperties(entry, config),
    );
  }

  const migrate = claim(logicalId(MIGRATE_ID), 'the migrations function');
  resources[migrate] = lambda(MIGRATE_ID, MIGRATE_SIZE, {
    Description: 'Applies the embedded SQL migrations (on every deploy that changes them, and on demand)',
  });
  // Runs the migrations during the deploy, before any other function's new code goes live (they
  // all depend on it). CloudFormation calls it again only when the migrations change; a failure
  // (database unreachable, a bad migration) fails and rolls back the deploy.
  const migrateOnDeploy = claim(MIGRATE_ON_DEPLOY_ID, 'the migrations custom resource');
  resources[migrateOnDeploy] = {
    Type: 'AWS::CloudFormation::CustomResource',
    Properties: { ServiceToken: arnOf(migrate), Migrations: migrationsDigest(migrations) },
  };
  const assets = claim(logicalId(ASSETS_ID), 'the assets function');
  resources[assets] = lambda(ASSETS_ID, DEFAULT_LAMBDA_SIZES.http, {
    Description: 'Serves the OpenAPI document, Swagger UI and htmx',
    Events: Object.fromEntries(ASSET_ROUTES.map((path) => httpEvent('GET', path, 'the assets function'))),
  });

  const sweep = claim(logicalId(OUTBOX_SWEEP_ID), 'the outbox sweeper');
  resources[sweep] = lambda(OUTBOX_SWEEP_ID, DEFAULT_LAMBDA_SIZES.schedule, {
    Description: 'Sends what waits in the outbox (no relay runs on Lambda), every minute',
    Events: {
      EveryMinute: {
        Type: 'Schedule',
        Properties: { Schedule: 'rate(1 minute)', Description: `${OUTBOX_SWEEP_ID}: every minute` },
      },
    },
  });

  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Serverless::Function' && id !== migrate) resource.DependsOn = migrateOnDeploy;
  }

  addImportsBucket(manifest, resources, claim);

  claimGenerated(resources, claim);

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Description: 'fnstack: every function in functions/ as its own Lambda, behind one HTTP API and SQS',
    Parameters: parameters(manifest),
    Conditions: {
      HasSubnets: { 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref('SubnetIds')] }, ''] }] },
      HasSecurityGroups: {
        'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref('SecurityGroupIds')] }, ''] }],
      },
      // Either one alone turns the VPC on, so a missing half fails the deploy loudly rather than
      // leaving the functions outside the VPC without a word.
      HasVpc: { 'Fn::Or': [{ Condition: 'HasSubnets' }, { Condition: 'HasSecurityGroups' }] },
      HasDatabaseSecret: { 'Fn::Not': [{ 'Fn::Equals': [ref('DatabaseSecretId'), ''] }] },
    },
    Globals: {
      Function: {
        Runtime: 'nodejs24.x',
        Architectures: ['x86_64'],
        Handler: 'index.handler',
        Environment: {
          // AWS_REGION is set by Lambda itself (and reserved).
          Variables: {
            // Empty means unset: the secret's credentials when it is named, else the URL.
            DATABASE_URL: ref('DatabaseUrl'),
            DATABASE_SECRET_ID: ref('DatabaseSecretId'),
            JWT_SECRET: ref('JwtSecret'),
            SESSION_SECRET: ref('SessionSecret'),
            QUEUE_DRIVER: 'sqs',
            QUEUE_PREFIX: ref('QueuePrefix'),
            LOG_LEVEL: ref('LogLevel'),
            NODE_ENV: 'production',
            // The caller's address is API Gateway's own sourceIp; count only proxies in front of it.
            TRUSTED_PROXY_HOPS: ref('TrustedProxyHops'),
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
        VpcConfig: {
          'Fn::If': [
            'HasVpc',
            { SubnetIds: ref('SubnetIds'), SecurityGroupIds: ref('SecurityGroupIds') },
            ref('AWS::NoValue'),
          ],
        },
      },
    },
    Resources: resources,
    Outputs: {
      ApiUrl: {
        Description: 'Base URL of the HTTP API',
        Value: sub(`https://\${${HTTP_API_ID}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/`),
      },
      MigrateFunctionName: {
        Description: 'The function that applies migrations (sam remote invoke PlatformMigrate)',
        Value: ref(logicalId(MIGRATE_ID)),
      },
    },
  };
}

/**
 * The transform adds resources named after ours: a role per function, an event source mapping or
 * rule per event (`<function><event>`) and invoke permissions (`...Permission`), the API's default
 * stage. A clash with one of ours fails only at deploy time, so it is claimed here too.
 */
function claimGenerated(
  resources: Record<string, SamResource>,
  claim: (id: string, owner: string) => string,
) {
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Serverless::HttpApi')
      claim(`${id}ApiGatewayDefaultStage`, `SAM's stage of ${id}`);
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    claim(`${id}Role`, `SAM's role of ${id}`);
    const events = (resource.Properties.Events ?? {}) as Record<string, { Type: string }>;
    for (const [name, event] of Object.entries(events)) {
      if (event.Type !== 'HttpApi') claim(`${id}${name}`, `SAM's ${event.Type} resource of ${id}`);
      if (event.Type !== 'SQS') claim(`${id}${name}Permission`, `SAM's invoke permission of ${id}`);
    }
  }
}

/**
 * The Imports app keeps its files in S3 on Lambda (there is no shared disk): the stack owns a
 * private bucket, and only the app's functions get its name (IMPORTS_BUCKET) and access to it.
 */
const IMPORTS_BUCKET_ID = 'ImportsBucket';

function addImportsBucket(
  manifest: Manifest,
  resources: Record<string, SamResource>,
  claim: (id: string, what: string) => string,
) {
  const entries = [...manifest.http, ...manifest.tasks, ...manifest.schedules].filter(
    (e) => e.app === 'imports',
  );
  if (entries.length === 0) return;
  resources[claim(IMPORTS_BUCKET_ID, 'the Imports bucket')] = {
    Type: 'AWS::S3::Bucket',
    Properties: {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      // A multipart upload cut short (a killed function) leaves parts that cost money: drop them.
      LifecycleConfiguration: {
        Rules: [{ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
    },
  };
  const policy = {
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: sub(`\${${IMPORTS_BUCKET_ID}.Arn}/*`),
      },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': [IMPORTS_BUCKET_ID, 'Arn'] } },
    ],
  };
  for (const entry of entries) {
    const fn = resources[logicalId(entry.id)]!;
    const properties = fn.Properties as { Policies: unknown[]; Environment?: unknown };
    properties.Policies = [...properties.Policies, policy];
    properties.Environment = { Variables: { IMPORTS_BUCKET: ref(IMPORTS_BUCKET_ID) } };
  }
}

/** A function's size: its definition's `lambda` over its trigger's defaults (checked again here for a definition built by hand). */
function sizeOf(entry: FunctionEntry): LambdaSize {
  return lambdaSize(entry.definition.type, entry.definition.lambda, entry.file);
}

function lambda(id: string, size: LambdaSize, properties: Record<string, unknown>): SamResource {
  const { Description, ...rest } = properties;
  return {
    Type: 'AWS::Serverless::Function',
    Properties: {
      // Lambda caps descriptions at 256 characters.
      Description: String(Description).slice(0, 256),
      // The build's reproducible zip: an unchanged function keeps its CodeSha256 and is not redeployed.
      CodeUri: `${CODE_DIR}/${id}.zip`,
      MemorySize: size.memoryMb,
      Timeout: size.timeoutSeconds,
      Policies: [QUEUE_POLICY, DATABASE_SECRET_POLICY],
      ...rest,
    },
  };
}

function sqsEvent(entry: FunctionEntry<TaskDefinition>, queue: string) {
  const { concurrency } = entry.definition;
  const { batchSize } = taskBatching(entry.definition);
  if (batchSize > MAX_BATCH_SIZE) {
    throw new TypeError(
      `${entry.file}: batch.maxSize ${batchSize} exceeds SQS's ${MAX_BATCH_SIZE} per batch`,
    );
  }
  return {
    Type: 'SQS',
    Properties: {
      Queue: arnOf(queue),
      BatchSize: batchSize,
      // AWS requires a batching window for batches above ten messages.
      ...(batchSize > DEFAULT_BATCH_SIZE ? { MaximumBatchingWindowInSeconds: 1 } : {}),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: {
        MaximumConcurrency: Math.min(CONCURRENCY.max, Math.max(CONCURRENCY.min, concurrency)),
      },
    },
  };
}

/** The cron the local scheduler would use with default settings; `off` leaves the function idle. */
function scheduleProperties(
  entry: FunctionEntry<ScheduleDefinition>,
  config: Config,
): Record<string, unknown> {
  const { publishes } = entry.definition;
  const cron = activeCron(entry.definition, config);
  if (cron === undefined) {
    return { Description: `schedule disabled; would publish ${publishes} (${entry.file})` };
  }
  let expression: string;
  try {
    expression = toAwsCron(cron);
  } catch (err) {
    throw new TypeError(`${entry.file}: ${(err as Error).message}`, { cause: err });
  }
  return {
    Description: `schedule '${cron}' UTC -> ${publishes} (${entry.file})`,
    Events: {
      Cron: {
        Type: 'Schedule',
        Properties: { Schedule: expression, Description: `${entry.id}: '${cron}' UTC -> ${publishes}` },
      },
    },
  };
}

function parameters(manifest: Manifest): SamTemplate['Parameters'] {
  const names = sqsQueueNames('');
  const longestQueueName = Math.max(0, ...manifest.tasks.map((t) => names.dlq(queueName(t)).length));
  return {
    DatabaseUrl: {
      Type: 'String',
      NoEcho: true,
      Default: '',
      Description:
        'Postgres connection string (postgres://user:password@host:5432/db), or a Secrets Manager ' +
        'dynamic reference to one (see infra/sam/README.md); leave empty with DatabaseSecretId',
    },
    DatabaseSecretId: {
      Type: 'String',
      Default: '',
      AllowedPattern: '^[A-Za-z0-9/_+=.@-]*$',
      ConstraintDescription: 'a secret name (not its ARN)',
      Description:
        'Name of a Secrets Manager secret with the Postgres credentials as JSON (username, password, host, port, ' +
        'dbname), read at start and again after a rotation (DATABASE_SECRET_ID); the functions may read only it',
    },
    JwtSecret: {
      Type: 'String',
      NoEcho: true,
      MinLength: 32,
      Description:
        'Key that signs API bearer tokens (JWT_SECRET), at least 32 characters; e.g. openssl rand -base64 48',
    },
    SessionSecret: {
      Type: 'String',
      NoEcho: true,
      MinLength: 32,
      Description: 'Key that signs session cookies (SESSION_SECRET), at least 32 characters',
    },
    QueuePrefix: {
      Type: 'String',
      Default: '',
      AllowedPattern: '^[A-Za-z0-9_-]*$',
      // SQS names are at most 80 characters, and the longest queue name here is the rest.
      MaxLength: MAX_QUEUE_NAME_LENGTH - longestQueueName,
      ConstraintDescription: 'letters, digits, _ and - only (SQS queue name characters)',
      Description: 'Put before every SQS queue name (e.g. prod-), so several stacks can share an account',
    },
    LogLevel: {
      Type: 'String',
      Default: 'info',
      AllowedValues: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    },
    TrustedProxyHops: {
      Type: 'Number',
      Default: 0,
      MinValue: 0,
      MaxValue: 10,
      Description:
        'Proxies in front of API Gateway that append to X-Forwarded-For (CloudFront: 1); API Gateway itself is not counted.',
    },
    SubnetIds: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description: 'Subnets to run the functions in, when the database is only reachable in a VPC',
    },
    SecurityGroupIds: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description: 'Security groups of the functions in that VPC (set both or neither)',
    },
  };
}

/** Changes exactly when a migration is added or edited, which is when CloudFormation must run them. */
function migrationsDigest(migrations: readonly Migration[]): string {
  const hash = createHash('sha256');
  for (const { name, sql } of migrations) hash.update(`${name}\0${sql}\0`);
  return hash.digest('hex').slice(0, 16);
}
