import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { sqsQueueNames } from '../../shared/queue/sqs/names.ts';
import { loadManifest, queueName } from '../../shared/runtime/manifest.ts';
import { SAM_TEMPLATE_FILE } from '../../scripts/generate-sam-template.ts';
import type { SamResource, SamTemplate } from '../../scripts/lambda/sam/template.ts';

/**
 * Every SQS call a deployed function can make, checked against the IAM policy the generated
 * template gives it. The calls come from the built bundles themselves (the commands each one
 * imports from @aws-sdk/client-sqs), so a new call site cannot slip past: its command must be
 * described below, with the queues it targets on Lambda, or this test fails.
 */
type Target = 'main' | 'dlq' | 'account';

const SQS_CALLS: Record<string, { action: string; targets: Target[]; why: string }> = {
  SendMessageCommand: {
    action: 'sqs:SendMessage',
    targets: ['main', 'dlq'],
    why: 'publishing and replaying to a main queue; dead-lettering a record to its DLQ',
  },
  GetQueueUrlCommand: { action: 'sqs:GetQueueUrl', targets: ['main', 'dlq'], why: 'resolving any queue' },
  GetQueueAttributesCommand: {
    action: 'sqs:GetQueueAttributes',
    targets: ['main', 'dlq'],
    why: 'queue depth (GET /queues) and the topology check',
  },
  ChangeMessageVisibilityCommand: {
    action: 'sqs:ChangeMessageVisibility',
    targets: ['main'],
    why: "a failed record's retry delay, set on the task's own queue",
  },
  ChangeMessageVisibilityBatchCommand: {
    action: 'sqs:ChangeMessageVisibility',
    targets: ['dlq'],
    why: 'listing dead letters hands them back at once',
  },
  ReceiveMessageCommand: {
    action: 'sqs:ReceiveMessage',
    // A main queue is polled by the event source mapping on Lambda, never by the bundle.
    targets: ['dlq'],
    why: 'listing and replaying dead letters',
  },
  DeleteMessageBatchCommand: {
    action: 'sqs:DeleteMessage',
    // The consumer's deletes on a main queue run only in the local runner.
    targets: ['dlq'],
    why: 'a replayed dead letter leaves its DLQ',
  },
  ListQueuesCommand: { action: 'sqs:ListQueues', targets: ['account'], why: 'the readiness check' },
  // The template creates the queues; on Lambda the driver runs with createQueues: false.
  CreateQueueCommand: { action: 'sqs:CreateQueue', targets: [], why: 'never on Lambda' },
};

const { project: builds } = inject('lambdaBundles');
const template = parse(await readFile(SAM_TEMPLATE_FILE, 'utf8')) as SamTemplate;
const manifest = await loadManifest();

// What the template's ${...} resolve to in a deployment.
const PREFIX = 'prod-';
const ACCOUNT_ARN = 'arn:aws:sqs:eu-west-1:123456789012';
const names = sqsQueueNames(PREFIX);
const queues = manifest.tasks.map(queueName);

function arnsOf(target: Target): string[] {
  if (target === 'account') return [`${ACCOUNT_ARN}:*`];
  return queues.map((queue) => `${ACCOUNT_ARN}:${target === 'main' ? names.main(queue) : names.dlq(queue)}`);
}

/** The SQS commands a bundle imports, from every module it can load (entry and lazy chunks). */
async function sqsCommandsOf(dir: string): Promise<Set<string>> {
  const files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.mjs'));
  const commands = new Set<string>();
  for (const file of files) {
    const code = await readFile(path.join(dir, file), 'utf8');
    for (const match of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']@aws-sdk\/client-sqs["']/g)) {
      for (const specifier of match[1]!.split(',')) {
        const name = specifier.trim().split(/\s+as\s+/)[0]!;
        if (name.endsWith('Command')) commands.add(name);
      }
    }
  }
  return commands;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | { 'Fn::Sub': string } | (string | { 'Fn::Sub': string })[];
}

const resolve = (resource: string | { 'Fn::Sub': string }) =>
  (typeof resource === 'string' ? resource : resource['Fn::Sub'])
    .replaceAll('${AWS::Partition}', 'aws')
    .replaceAll('${AWS::Region}', 'eu-west-1')
    .replaceAll('${AWS::AccountId}', '123456789012')
    .replaceAll('${QueuePrefix}', PREFIX);

const globMatches = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

/** Whether the function's inline policies allow `action` on `arn` (IAM's `*` wildcards). */
function allows(fn: SamResource, action: string, arn: string): boolean {
  type Policy = { Statement: Statement[] } | { 'Fn::If': [string, Policy, unknown] };
  const policies = (fn.Properties.Policies ?? []) as Policy[];
  // A conditional policy counts as granted: what it allows when its condition holds.
  const granted = (policy: Policy): Statement[] =>
    'Fn::If' in policy ? granted(policy['Fn::If'][1]) : policy.Statement;
  return policies
    .flatMap(granted)
    .some(
      (statement) =>
        statement.Effect === 'Allow' &&
        [statement.Action].flat().some((allowed) => globMatches(allowed, action)) &&
        [statement.Resource].flat().some((resource) => globMatches(resolve(resource), arn)),
    );
}

const functionOf = (id: string) =>
  Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Serverless::Function' &&
      resource.Properties.CodeUri === `../../dist/lambda/${id}.zip`,
  );

interface SqsEvent {
  Type: string;
  Properties: { Queue: { 'Fn::GetAtt': [string, 'Arn'] } };
}

/** The deployed name of the queue an SQS event reads (its `Fn::GetAtt` to a queue of the template). */
function queueNameOf(event: SqsEvent): string {
  const [id] = event.Properties.Queue['Fn::GetAtt'];
  const queue = template.Resources[id];
  expect(queue?.Type, `${id} is a queue`).toBe('AWS::SQS::Queue');
  return resolve(queue!.Properties.QueueName as { 'Fn::Sub': string });
}

describe('the IAM policy of every function', () => {
  it('covers every SQS call its bundle can make, on the queues it makes it on', async () => {
    expect(queues.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const build of builds) {
      const fn = functionOf(build.id);
      expect(fn, `${build.id} is in the template`).toBeDefined();
      for (const command of await sqsCommandsOf(build.dir)) {
        const call = SQS_CALLS[command];
        expect(call, `${build.id} imports ${command}: describe what it targets in SQS_CALLS`).toBeDefined();
        for (const target of call!.targets) {
          for (const arn of arnsOf(target)) {
            if (!allows(fn!, call!.action, arn))
              missing.push(`${build.id}: ${call!.action} on ${arn} (${call!.why})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("grants no reading or deleting of a main queue in the functions' own policies", () => {
    for (const build of builds) {
      const fn = functionOf(build.id)!;
      for (const arn of arnsOf('main')) {
        expect(allows(fn, 'sqs:ReceiveMessage', arn), `${build.id} may receive from ${arn}`).toBe(false);
        expect(allows(fn, 'sqs:DeleteMessage', arn), `${build.id} may delete from ${arn}`).toBe(false);
      }
    }
  });

  it("leaves each task's role to SAM, which lets its event source mapping poll the task's own queue", () => {
    // For a function with an SQS event and no `Role` of its own, SAM adds the AWS managed policy
    // AWSLambdaSQSQueueExecutionRole (sqs:ReceiveMessage, DeleteMessage, GetQueueAttributes) to
    // the role it makes: what Lambda's poller needs. A `Role` given here would silently lose it.
    for (const task of manifest.tasks) {
      const fn = functionOf(task.id)!;
      expect(fn.Properties.Role, `${task.id} names its own role`).toBeUndefined();
      const events = Object.values((fn.Properties.Events ?? {}) as Record<string, SqsEvent>);
      const queues = events.filter((event) => event.Type === 'SQS').map((event) => queueNameOf(event));
      expect(queues, task.id).toEqual([names.main(queueName(task))]);
    }
  });
});
