/**
 * `npm run event -- <http|url|sqs|schedule> ...`: print a Lambda event as AWS would deliver it
 * (JSON, 2-space indent), to feed `npm run invoke`. Exit code 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadManifest, queueName, type FunctionEntry, type Manifest } from '../shared/runtime/manifest.ts';
import { sqsQueueNames } from '../shared/queue/sqs/names.ts';
import {
  envelopeBody,
  functionUrlEvent,
  httpEvent,
  scheduledEvent,
  sqsEvent,
  type HttpEventOptions,
} from './lambda/events.ts';

const USAGE = `Usage: npm run -s event -- <kind> [options]   (-s keeps npm's banner out of the JSON)

  http      API Gateway HTTP API request (payload 2.0)
    --path /gradcafe/pull-data   required; may carry ?a=b
    --method POST                default GET
    --body '{"since":1}'         sent as application/json unless --header content-type:... says otherwise
    --base64                     send the body base64-encoded (isBase64Encoded: true)
    --header name:value          repeatable
    --query name=value           repeatable
    --cookie name=value          repeatable
    --route-key 'GET /jobs/{id}' default $default
    --path-param name=value      repeatable
  url       Lambda function URL request: the options of http but --route-key and --path-param
  sqs       SQS batch for a task function
    --function gradcafe-scrape-new-data   required: a task function id
    --payload '{"since":1}'      default {}
    --kind scrape_new_data       default: the first kind the task consumes
    --count 3                    records in the batch, default 1
    --receive-count 2            ApproximateReceiveCount, default 1
    --prefix t1.                 queue prefix, default $QUEUE_PREFIX
  schedule  EventBridge scheduled event for a schedule function
    --function gradcafe-pull-schedule     required: a schedule function id

Example: npm run -s event -- http --method POST --path /gradcafe/pull-data --body '{}' > event.json`;

class UsageError extends Error {}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

async function main(argv: string[]): Promise<unknown> {
  const [kind, ...rest] = argv;
  switch (kind) {
    case 'http':
      return httpEvent(httpOptions(rest, true));
    case 'url':
      return functionUrlEvent(httpOptions(rest, false));
    case 'sqs':
      return sqsFor(rest);
    case 'schedule':
      return scheduleFor(rest);
    case undefined:
    case '-h':
    case '--help':
      throw new UsageError('');
    default:
      throw new UsageError(`unknown event kind '${kind}' (http, url, sqs or schedule)`);
  }
}

function httpOptions(args: string[], apiGateway: boolean): HttpEventOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      path: { type: 'string' },
      method: { type: 'string', default: 'GET' },
      body: { type: 'string' },
      base64: { type: 'boolean', default: false },
      header: { type: 'string', multiple: true, default: [] },
      query: { type: 'string', multiple: true, default: [] },
      cookie: { type: 'string', multiple: true, default: [] },
      'route-key': { type: 'string' },
      'path-param': { type: 'string', multiple: true, default: [] },
    },
  });
  if (!values.path?.startsWith('/')) throw new UsageError('--path is required and starts with /');
  const method = values.method.toUpperCase();
  if (!HTTP_METHODS.includes(method))
    throw new UsageError(`--method must be one of ${HTTP_METHODS.join(', ')}`);
  const options: HttpEventOptions = {
    method,
    path: values.path,
    headers: joinRepeated(values.header.map((h) => split(h, ':', '--header name:value'))),
    query: groupRepeated(values.query.map((q) => split(q, '=', '--query name=value'))),
    cookies: values.cookie,
    base64: values.base64,
  };
  if (values.body !== undefined) options.body = values.body;
  const routing = values['route-key'] !== undefined || values['path-param'].length > 0;
  if (routing && !apiGateway)
    throw new UsageError('a function URL has no routes: drop --route-key and --path-param');
  if (values['route-key'] !== undefined) options.routeKey = values['route-key'];
  if (values['path-param'].length > 0) {
    const pairs = values['path-param'].map((p) => split(p, '=', '--path-param name=value'));
    options.pathParameters = Object.fromEntries(pairs);
  }
  return options;
}

async function sqsFor(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      function: { type: 'string' },
      payload: { type: 'string', default: '{}' },
      kind: { type: 'string' },
      count: { type: 'string', default: '1' },
      'receive-count': { type: 'string', default: '1' },
      prefix: { type: 'string', default: process.env.QUEUE_PREFIX ?? '' },
    },
  });
  const count = positiveInteger(values.count, '--count');
  const receiveCount = positiveInteger(values['receive-count'], '--receive-count');
  const payload = parseJson(values.payload, '--payload');
  const manifest = await loadManifest();
  const task = findFunction(manifest, 'tasks', values.function);
  const kinds = task.definition.consumes;
  const kind = values.kind ?? kinds[0]!;
  if (!kinds.includes(kind)) throw new UsageError(`${task.id} consumes ${kinds.join(', ')}, not '${kind}'`);
  const queue = sqsQueueNames(values.prefix).main(queueName(task));
  return sqsEvent(
    Array.from({ length: count }, () => ({ body: envelopeBody(kind, payload), queue, receiveCount })),
  );
}

async function scheduleFor(args: string[]) {
  const { values } = parseArgs({ args, strict: true, options: { function: { type: 'string' } } });
  const manifest = await loadManifest();
  const schedule = findFunction(manifest, 'schedules', values.function);
  return scheduledEvent({ rule: schedule.id });
}

const GROUPS = {
  tasks: { one: 'a task function', many: 'task functions' },
  schedules: { one: 'a schedule function', many: 'schedule functions' },
} as const;

function findFunction<G extends keyof typeof GROUPS>(
  manifest: Manifest,
  group: G,
  id: string | undefined,
): Manifest[G][number] {
  const valid = `${GROUPS[group].many}: ${manifest[group].map((f) => f.id).join(', ')}`;
  if (!id) throw new UsageError(`--function is required (${GROUPS[group].one} id); ${valid}`);
  const found = (manifest[group] as FunctionEntry[]).find((f) => f.id === id);
  if (found) return found as Manifest[G][number];
  const actual = describeFunction(manifest, id);
  const what = actual ? `'${id}' is ${actual}, not ${GROUPS[group].one}` : `unknown function '${id}'`;
  throw new UsageError(`${what}; ${valid}`);
}

function describeFunction(manifest: Manifest, id: string): string | undefined {
  if (manifest.http.some((f) => f.id === id)) return 'an HTTP function';
  if (manifest.tasks.some((f) => f.id === id)) return GROUPS.tasks.one;
  if (manifest.schedules.some((f) => f.id === id)) return GROUPS.schedules.one;
  return undefined;
}

function split(text: string, separator: string, form: string): [string, string] {
  const at = text.indexOf(separator);
  if (at <= 0) throw new UsageError(`expected ${form}, got '${text}'`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function joinRepeated(pairs: [string, string][]): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    joined[key] = key in joined ? `${joined[key]},${value}` : value;
  }
  return joined;
}

function groupRepeated(pairs: [string, string][]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of pairs) (grouped[name] ??= []).push(value);
  return grouped;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number >= 1, got '${text}'`);
  return n;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${flag} is not JSON: ${(err as Error).message}`);
  }
}

try {
  console.log(JSON.stringify(await main(process.argv.slice(2)), null, 2));
} catch (err) {
  // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    if (err instanceof Error && err.message) console.error(`event: ${err.message}\n`);
    console.error(USAGE);
    process.exit(2);
  }
  throw err;
}
