import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  EventBridgeEvent,
  LambdaFunctionURLEvent,
  SQSEvent,
  SQSMessageAttributes,
  SQSRecord,
} from 'aws-lambda';
import { createEnvelope, envelopeSchema, parseEnvelope, type Envelope } from '../../shared/queue/envelope.ts';
import { envelopeAttributes } from '../../shared/queue/sqs/messages.ts';

/**
 * Events as AWS delivers them to a Lambda function, for `npm run event`, `npm run invoke` and
 * tests. The shapes follow AWS's published samples (`sam local generate-event`, the Lambda and
 * API Gateway developer guides); account, region and API ids are the samples' placeholders.
 */
export const SAMPLE_ACCOUNT_ID = '123456789012';
export const SAMPLE_REGION = 'us-east-1';
const SAMPLE_API_ID = 'a1b2c3d4e5';
// A function URL id is 32 lower-case alphanumerics.
const SAMPLE_URL_ID = 'abcdefghijklmnopqrstuvwxyz123456';
// The documentation address block (RFC 5737), so a sample can never be mistaken for a real client.
const SAMPLE_SOURCE_IP = '203.0.113.10';
const SAMPLE_USER_AGENT = 'curl/8.5.0';
// The SenderId of AWS's sample SQS event (an IAM user id).
const SAMPLE_SQS_SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';

export interface HttpEventOptions {
  method: string;
  /** The request path; a `?query` part is read too (before the entries of `query`). */
  path: string;
  /** Repeated names take an array: `rawQueryString` repeats them, `queryStringParameters` joins with ','. */
  query?: Record<string, string | string[]>;
  /** Any case; sent lower-case. A `cookie` header is moved to `cookies`, as API Gateway does. */
  headers?: Record<string, string>;
  /** `name=value` pairs, as the `Cookie` header carried them. */
  cookies?: string[];
  /** A text body, or bytes (always sent base64-encoded). */
  body?: string | Uint8Array;
  /** Send the body base64-encoded with `isBase64Encoded: true` (API Gateway does so for binary types). */
  base64?: boolean;
  /** HTTP API route that matched, e.g. `GET /jobs/{id}`; default `$default` (the catch-all route). */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  /**
   * The address API Gateway (or the function URL) saw the request come from: `requestContext`'s
   * `sourceIp`, also appended to X-Forwarded-For after whatever the caller sent in that header.
   */
  sourceIp?: string;
  requestId?: string;
  time?: Date;
}

export type FunctionUrlEventOptions = Omit<HttpEventOptions, 'routeKey' | 'pathParameters'>;

/** An API Gateway HTTP API request, payload format 2.0. */
export function httpEvent(options: HttpEventOptions): APIGatewayProxyEventV2 {
  const routeKey = options.routeKey ?? '$default';
  const event = v2Event(options, {
    routeKey,
    accountId: SAMPLE_ACCOUNT_ID,
    apiId: SAMPLE_API_ID,
    domainName: `${SAMPLE_API_ID}.execute-api.${SAMPLE_REGION}.amazonaws.com`,
    extraHeaders: {},
  });
  if (options.pathParameters) event.pathParameters = { ...options.pathParameters };
  return event;
}

/**
 * A Lambda function URL request (auth type NONE): the same 2.0 payload, with `$default` for the
 * API Gateway notions a URL does not have (route, stage) and `anonymous` as the caller account.
 */
export function functionUrlEvent(options: FunctionUrlEventOptions): LambdaFunctionURLEvent {
  return v2Event(options, {
    routeKey: '$default',
    accountId: 'anonymous',
    apiId: SAMPLE_URL_ID,
    domainName: `${SAMPLE_URL_ID}.lambda-url.${SAMPLE_REGION}.on.aws`,
    extraHeaders: { 'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256', 'x-amzn-tls-version': 'TLSv1.3' },
  });
}

export interface RestApiEventOptions extends FunctionUrlEventOptions {
  /** The API's stage, as in the execute-api URL `https://<id>.execute-api.<region>.amazonaws.com/<stage>/...`. */
  stage?: string;
  /** The resource that matched, e.g. `/jobs/{id}`; default the greedy `/{proxy+}`. */
  resource?: string;
}

/**
 * An API Gateway REST API request, payload format 1.0 (`sam local generate-event apigateway
 * aws-proxy`). `path` is the resource path without the stage; `requestContext.path` is what the
 * client asked for, stage included.
 */
export function restApiEvent(options: RestApiEventOptions): APIGatewayProxyEvent {
  const time = options.time ?? new Date();
  const stage = options.stage ?? 'prod';
  const method = options.method.toUpperCase();
  const [path, pathQuery] = splitPath(options.path);
  const query = [...pathQuery, ...queryPairs(options.query ?? {})];
  const { headers: given, cookies } = lowerCaseHeaders(options.headers ?? {});
  const body = encodeBody(options);
  const sourceIp = options.sourceIp ?? SAMPLE_SOURCE_IP;
  const domainName = `${SAMPLE_API_ID}.execute-api.${SAMPLE_REGION}.amazonaws.com`;
  // REST APIs pass header names as the client sent them; ours are lower-case, which is allowed.
  const headers: Record<string, string> = {
    accept: '*/*',
    host: domainName,
    'user-agent': SAMPLE_USER_AGENT,
    'x-amzn-trace-id': traceId(time),
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(cookies.length > 0 ? { cookie: cookies.join('; ') } : {}),
    ...(body ? bodyHeaders(body, options) : {}),
    ...given,
    'x-forwarded-for': forwardedFor(given, sourceIp),
  };
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of query) (multiValueQuery[name] ??= []).push(value);
  const resource = options.resource ?? '/{proxy+}';
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query.length > 0 ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: query.length > 0 ? multiValueQuery : null,
    pathParameters: resource === '/{proxy+}' ? { proxy: path.slice(1) } : null,
    stageVariables: null,
    requestContext: {
      accountId: SAMPLE_ACCOUNT_ID,
      apiId: SAMPLE_API_ID,
      authorizer: undefined,
      domainName,
      domainPrefix: SAMPLE_API_ID,
      extendedRequestId: randomBytes(10).toString('base64'),
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headers['user-agent'] ?? '',
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: options.requestId ?? randomUUID(),
      requestTime: clfTime(time),
      requestTimeEpoch: time.getTime(),
      resourceId: 'abc123',
      resourcePath: resource,
      stage,
    },
    body: body?.text ?? null,
    isBase64Encoded: body?.base64 ?? false,
  };
}

interface Frontend {
  routeKey: string;
  accountId: string;
  apiId: string;
  domainName: string;
  extraHeaders: Record<string, string>;
}

function v2Event(options: FunctionUrlEventOptions, frontend: Frontend): APIGatewayProxyEventV2 {
  const time = options.time ?? new Date();
  const method = options.method.toUpperCase();
  const [rawPath, pathQuery] = splitPath(options.path);
  const query = [...pathQuery, ...queryPairs(options.query ?? {})];
  const { headers: given, cookies: headerCookies } = lowerCaseHeaders(options.headers ?? {});
  const cookies = [...(options.cookies ?? []), ...headerCookies];
  const body = encodeBody(options);
  const sourceIp = options.sourceIp ?? SAMPLE_SOURCE_IP;

  const headers: Record<string, string> = {
    accept: '*/*',
    host: frontend.domainName,
    'user-agent': SAMPLE_USER_AGENT,
    'x-amzn-trace-id': traceId(time),
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...frontend.extraHeaders,
    ...(body ? bodyHeaders(body, options) : {}),
    ...given,
    'x-forwarded-for': forwardedFor(given, sourceIp),
  };

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: frontend.routeKey,
    rawPath,
    rawQueryString: query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
    headers,
    requestContext: {
      accountId: frontend.accountId,
      apiId: frontend.apiId,
      domainName: frontend.domainName,
      domainPrefix: frontend.apiId,
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      // API Gateway's request ids look like `JKJaXmPLvHcESHA=`.
      requestId: options.requestId ?? randomBytes(10).toString('base64'),
      routeKey: frontend.routeKey,
      stage: '$default',
      time: clfTime(time),
      timeEpoch: time.getTime(),
    },
    isBase64Encoded: body?.base64 ?? false,
  };
  // Fields API Gateway leaves out when the request has none (rather than sending empty ones).
  if (cookies.length > 0) event.cookies = cookies;
  if (query.length > 0) event.queryStringParameters = joinedQuery(query);
  if (body) event.body = body.text;
  return event;
}

/**
 * X-Forwarded-For as API Gateway and function URLs pass it on: what the caller sent (anything at
 * all), then the address the request really came from.
 */
function forwardedFor(given: Record<string, string>, sourceIp: string): string {
  const sent = given['x-forwarded-for'];
  return sent ? `${sent}, ${sourceIp}` : sourceIp;
}

function splitPath(path: string): [string, [string, string][]] {
  const at = path.indexOf('?');
  if (at < 0) return [path, []];
  return [path.slice(0, at), [...new URLSearchParams(path.slice(at + 1))]];
}

function queryPairs(query: Record<string, string | string[]>): [string, string][] {
  return Object.entries(query).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
  );
}

function joinedQuery(pairs: [string, string][]): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of pairs) joined[name] = name in joined ? `${joined[name]},${value}` : value;
  return joined;
}

function lowerCaseHeaders(given: Record<string, string>): {
  headers: Record<string, string>;
  cookies: string[];
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    } else {
      headers[lower] = lower in headers ? `${headers[lower]},${value}` : value;
    }
  }
  return { headers, cookies };
}

interface EncodedBody {
  text: string;
  bytes: number;
  base64: boolean;
}

function encodeBody(options: FunctionUrlEventOptions): EncodedBody | undefined {
  const { body } = options;
  if (body === undefined) return undefined;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const base64 = options.base64 === true || typeof body !== 'string';
  return { text: bytes.toString(base64 ? 'base64' : 'utf8'), bytes: bytes.length, base64 };
}

function bodyHeaders(body: EncodedBody, options: FunctionUrlEventOptions): Record<string, string> {
  // Our API speaks JSON; a text body without a content type is taken as JSON (curl's default,
  // form-urlencoded, would only make every sample request fail validation).
  const contentType = body.base64 ? 'application/octet-stream' : 'application/json';
  const given = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
  return { 'content-length': String(body.bytes), ...(given ? {} : { 'content-type': contentType }) };
}

/** X-Ray's root id: `Root=1-<epoch seconds, hex>-<96 random bits, hex>`. */
function traceId(time: Date): string {
  return `Root=1-${Math.floor(time.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's request time, in Common Log Format: `12/Mar/2020:19:03:58 +0000`. */
function clfTime(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${two(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}`;
  return `${date}:${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())} +0000`;
}

export interface SqsRecordOptions {
  body: string;
  /** The SQS queue name (as in the queue's ARN), e.g. `gradcafe_scrape-new-data`. */
  queue: string;
  /** SQS's ApproximateReceiveCount: 1 on the first delivery, more on redeliveries. */
  receiveCount?: number;
  messageId?: string;
  /**
   * Message attributes (String or Number). Default: for an envelope body, the ones our SQS
   * driver publishes with it (kind, correlationId, attempt); otherwise none.
   */
  attributes?: Record<string, { dataType: 'String' | 'Number'; stringValue: string }>;
  sentAt?: Date;
}

/** An SQS event source mapping's batch. */
export function sqsEvent(records: SqsRecordOptions[]): SQSEvent {
  return { Records: records.map(sqsRecord) };
}

function sqsRecord(options: SqsRecordOptions): SQSRecord {
  const sentAt = (options.sentAt ?? new Date()).getTime();
  const attributes = options.attributes ?? defaultAttributes(options.body);
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, { dataType, stringValue }] of Object.entries(attributes)) {
    messageAttributes[name] = { stringValue, stringListValues: [], binaryListValues: [], dataType };
  }
  return {
    messageId: options.messageId ?? randomUUID(),
    // Receipt handles are long opaque base64 strings starting with `AQEB`.
    receiptHandle: `AQEB${randomBytes(96).toString('base64')}`,
    body: options.body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(sentAt),
      SenderId: SAMPLE_SQS_SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(sentAt + 5),
    },
    messageAttributes,
    ...(Object.keys(attributes).length > 0
      ? { md5OfMessageAttributes: md5OfMessageAttributes(attributes) }
      : {}),
    md5OfBody: md5(options.body),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${SAMPLE_REGION}:${SAMPLE_ACCOUNT_ID}:${options.queue}`,
    awsRegion: SAMPLE_REGION,
  };
}

function defaultAttributes(body: string): NonNullable<SqsRecordOptions['attributes']> {
  const parsed = parseEnvelope(body);
  if (!parsed.ok) return {};
  return Object.fromEntries(
    Object.entries(envelopeAttributes(parsed.envelope)).map(([name, value]) => [
      name,
      { dataType: value.DataType as 'String' | 'Number', stringValue: value.StringValue ?? '' },
    ]),
  );
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * SQS's MD5OfMessageAttributes: over the attributes sorted by name, each encoded as
 * length-prefixed (4 bytes, big-endian) name, data type and value, with a transport byte
 * (1 = string) before the value.
 */
export function md5OfMessageAttributes(
  attributes: Record<string, { dataType: string; stringValue: string }>,
): string {
  const hash = createHash('md5');
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const { dataType, stringValue } = attributes[name]!;
    field(name);
    field(dataType);
    hash.update(Buffer.from([1]));
    field(stringValue);
  }
  return hash.digest('hex');
}

/** An EventBridge (CloudWatch Events) scheduled rule firing. */
export function scheduledEvent(options: {
  rule: string;
  time?: Date;
  id?: string;
}): EventBridgeEvent<'Scheduled Event', Record<string, never>> {
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: SAMPLE_ACCOUNT_ID,
    // EventBridge's times have whole seconds: `2015-10-08T16:53:06Z`.
    time: (options.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: SAMPLE_REGION,
    resources: [`arn:aws:events:${SAMPLE_REGION}:${SAMPLE_ACCOUNT_ID}:rule/${options.rule}`],
    detail: {},
  };
}

/**
 * The JSON body of a task message, as our queue drivers publish it. Overrides (a retry's
 * `attempt`, a `jobId`) are checked against the envelope schema, so the result always parses.
 */
export function envelopeBody(kind: string, payload: unknown, overrides: Partial<Envelope> = {}): string {
  const envelope = envelopeSchema.parse({ ...createEnvelope({ kind, payload }), ...overrides });
  return JSON.stringify(envelope);
}
