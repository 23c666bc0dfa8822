import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../shared/queue/envelope.ts';
import {
  envelopeBody,
  functionUrlEvent,
  httpEvent,
  md5OfMessageAttributes,
  restApiEvent,
  scheduledEvent,
  sqsEvent,
} from '../../scripts/lambda/events.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('httpEvent (API Gateway HTTP API, payload 2.0)', () => {
  it('has the fields of the 2.0 payload, with lower-case headers', () => {
    const time = new Date('2020-03-12T19:03:58.123Z');
    const event = httpEvent({
      method: 'post',
      path: '/gradcafe/pull-data',
      headers: { 'X-Request-Id': 'r-1', Accept: 'text/html' },
      body: '{"since":1}',
      time,
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/gradcafe/pull-data',
      rawQueryString: '',
      body: '{"since":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        http: { method: 'POST', path: '/gradcafe/pull-data', protocol: 'HTTP/1.1' },
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: time.getTime(),
      },
    });
    expect(typeof event.requestContext.requestId).toBe('string');
    expect(event.requestContext.domainName).toBe(event.headers.host);
    expect(event.requestContext.domainPrefix).toBe(event.requestContext.apiId);
    expect(event.requestContext.http.sourceIp).toBe(event.headers['x-forwarded-for']);
    expect(event.requestContext.http.userAgent).toBe(event.headers['user-agent']);
    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());
    expect(event.headers).toMatchObject({
      'x-request-id': 'r-1',
      accept: 'text/html',
      'content-type': 'application/json',
      'content-length': '11',
    });
    // API Gateway leaves out what the request did not have.
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
  });

  it('keeps the raw query string and the parsed parameters consistent', () => {
    const event = httpEvent({
      method: 'GET',
      path: '/gradcafe/api/applicants?page=2&term=Fall%202026',
      query: { status: ['Accepted', 'Rejected'], q: 'a&b' },
    });
    expect(event.rawPath).toBe('/gradcafe/api/applicants');
    expect(event.rawQueryString).toBe('page=2&term=Fall%202026&status=Accepted&status=Rejected&q=a%26b');
    // Repeated names are joined with commas in the parsed form, as API Gateway does.
    expect(event.queryStringParameters).toEqual({
      page: '2',
      term: 'Fall 2026',
      status: 'Accepted,Rejected',
      q: 'a&b',
    });
    const reparsed = new URLSearchParams(event.rawQueryString);
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
      expect(reparsed.getAll(name).join(',')).toBe(value);
    }
  });

  it('moves cookies out of the headers into the cookies array', () => {
    const event = httpEvent({
      method: 'GET',
      path: '/',
      cookies: ['flash=abc'],
      headers: { Cookie: 'session=s1; theme=dark' },
    });
    expect(event.cookies).toEqual(['flash=abc', 'session=s1', 'theme=dark']);
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it('sends a base64 body that decodes to the original bytes', () => {
    const text = 'héllo, wörld ✓';
    const event = httpEvent({ method: 'POST', path: '/upload', body: text, base64: true });
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).not.toBe(text);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe(text);
    expect(event.headers['content-length']).toBe(String(Buffer.byteLength(text)));

    const bytes = new Uint8Array([0, 255, 1, 128]);
    const binary = httpEvent({ method: 'POST', path: '/upload', body: bytes });
    expect(binary.isBase64Encoded).toBe(true);
    expect([...Buffer.from(binary.body ?? '', 'base64')]).toEqual([...bytes]);
  });

  it('takes a route key and path parameters, and does not override a given content type', () => {
    const event = httpEvent({
      method: 'GET',
      path: '/jobs/42',
      routeKey: 'GET /jobs/{id}',
      pathParameters: { id: '42' },
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(event.routeKey).toBe('GET /jobs/{id}');
    expect(event.requestContext.routeKey).toBe('GET /jobs/{id}');
    expect(event.pathParameters).toEqual({ id: '42' });
    expect(event.headers['content-type']).toBe('text/plain');
  });

  it('gives every request its own id', () => {
    const a = httpEvent({ method: 'GET', path: '/' });
    const b = httpEvent({ method: 'GET', path: '/' });
    expect(a.requestContext.requestId).not.toBe(b.requestContext.requestId);
    expect(httpEvent({ method: 'GET', path: '/', requestId: 'given' }).requestContext.requestId).toBe(
      'given',
    );
  });
});

describe('functionUrlEvent', () => {
  it('is the 2.0 payload with $default route and stage, an anonymous caller and a lambda-url host', () => {
    const event = functionUrlEvent({ method: 'GET', path: '/healthz', query: { verbose: '1' } });
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('$default');
    expect(event.requestContext).toMatchObject({
      accountId: 'anonymous',
      routeKey: '$default',
      stage: '$default',
    });
    expect(event.requestContext.domainName).toMatch(/^[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws$/);
    expect(event.headers.host).toBe(event.requestContext.domainName);
    expect(event.rawQueryString).toBe('verbose=1');
    expect(event.queryStringParameters).toEqual({ verbose: '1' });
    expect(event).not.toHaveProperty('pathParameters');
  });
});

describe('the caller address of every HTTP event', () => {
  it("is API Gateway's sourceIp, appended to whatever X-Forwarded-For the caller sent", () => {
    const options = { method: 'GET', path: '/', headers: { 'X-Forwarded-For': '6.6.6.6' } };
    const v2 = httpEvent({ ...options, sourceIp: '198.51.100.4' });
    const url = functionUrlEvent({ ...options, sourceIp: '198.51.100.4' });
    const v1 = restApiEvent({ ...options, sourceIp: '198.51.100.4' });
    for (const event of [v2, url]) {
      expect(event.requestContext.http.sourceIp).toBe('198.51.100.4');
      expect(event.headers['x-forwarded-for']).toBe('6.6.6.6, 198.51.100.4');
    }
    expect(v1.requestContext.identity.sourceIp).toBe('198.51.100.4');
    expect(v1.headers['x-forwarded-for']).toBe('6.6.6.6, 198.51.100.4');
    expect(v1.multiValueHeaders['x-forwarded-for']).toEqual(['6.6.6.6, 198.51.100.4']);
  });
});

describe('sqsEvent', () => {
  it('builds records with a real md5 of the body, the queue ARN and the receive count', () => {
    const event = sqsEvent([
      { body: 'hello', queue: 'gradcafe_scrape-new-data', receiveCount: 3, messageId: 'm-1' },
      { body: 'world', queue: 'gradcafe_scrape-new-data' },
    ]);
    expect(event.Records).toHaveLength(2);
    const [first, second] = event.Records;
    expect(first).toMatchObject({
      messageId: 'm-1',
      body: 'hello',
      md5OfBody: '5d41402abc4b2a76b9719d911017c592',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:gradcafe_scrape-new-data',
      awsRegion: 'us-east-1',
      messageAttributes: {},
    });
    expect(first?.attributes.ApproximateReceiveCount).toBe('3');
    expect(second?.attributes.ApproximateReceiveCount).toBe('1');
    expect(second?.md5OfBody).toBe(md5('world'));
    expect(second?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.receiptHandle).not.toBe(second?.receiptHandle);
    for (const name of ['SentTimestamp', 'ApproximateFirstReceiveTimestamp'] as const) {
      expect(Number(first?.attributes[name])).toBeGreaterThan(1_600_000_000_000);
    }
    expect(first?.attributes.SenderId).toEqual(expect.any(String));
    // No attributes, no attribute digest (a non-envelope body gets none).
    expect(first).not.toHaveProperty('md5OfMessageAttributes');
  });

  it('gives an envelope body the attributes our SQS driver publishes, with their SQS digest', () => {
    const body = envelopeBody('scrape_new_data', { since: 1 }, { attempt: 2 });
    const [record] = sqsEvent([{ body, queue: 'q' }]).Records;
    const envelope = JSON.parse(body) as { kind: string; correlationId: string };
    expect(record?.messageAttributes).toEqual({
      kind: { dataType: 'String', stringValue: envelope.kind, stringListValues: [], binaryListValues: [] },
      correlationId: {
        dataType: 'String',
        stringValue: envelope.correlationId,
        stringListValues: [],
        binaryListValues: [],
      },
      attempt: { dataType: 'Number', stringValue: '2', stringListValues: [], binaryListValues: [] },
    });
    expect(record?.md5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        kind: { dataType: 'String', stringValue: envelope.kind },
        correlationId: { dataType: 'String', stringValue: envelope.correlationId },
        attempt: { dataType: 'Number', stringValue: '2' },
      }),
    );
  });

  it('computes MD5OfMessageAttributes as SQS does', () => {
    // Digests SQS returned for these attributes (published with SQS emulators' test suites).
    expect(md5OfMessageAttributes({ SellerName: { dataType: 'String', stringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    expect(
      md5OfMessageAttributes({
        ordinal: { dataType: 'Number', stringValue: '1' },
        category: { dataType: 'String', stringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });
});

describe('scheduledEvent', () => {
  it('is an EventBridge Scheduled Event naming the rule', () => {
    const event = scheduledEvent({
      rule: 'gradcafe-pull-schedule',
      time: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/gradcafe-pull-schedule'],
      detail: {},
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('envelopeBody', () => {
  it('is a valid envelope with the kind, payload and overrides', () => {
    const jobId = '00000000-0000-4000-8000-000000000001';
    const parsed = parseEnvelope(
      envelopeBody('recompute_analytics', { term: 'Fall 2026' }, { jobId, attempt: 3 }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.envelope).toMatchObject({
      kind: 'recompute_analytics',
      payload: { term: 'Fall 2026' },
      jobId,
      attempt: 3,
    });
  });

  it('refuses overrides that would not make an envelope', () => {
    expect(() => envelopeBody('k', {}, { attempt: 0 })).toThrow();
  });
});
