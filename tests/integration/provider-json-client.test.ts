import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createMetrics } from '../../shared/observability/metrics.ts';
import { jsonClient, ProviderError, retryAfter } from '../../shared/provider/json-client.ts';

/** A real HTTP server that answers each request with the next scripted answer. */
type Answer = (response: ServerResponse) => void;
const ok: Answer = (response) =>
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"n": 1}');
const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (response) =>
    response.writeHead(code, headers).end('{"error": "no"}');

let server: Server;
let url: string;
let script: Answer[] = [];
let arrivals: number[] = [];
beforeAll(async () => {
  server = createServer((_request, response) => {
    arrivals.push(performance.now());
    (script.shift() ?? ok)(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/users`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  script = [];
  arrivals = [];
});

const schema = z.object({ n: z.number() });
const client = (overrides: Partial<Parameters<typeof jsonClient>[0]> = {}) => {
  const metrics = createMetrics();
  const made = jsonClient({ name: 'test-provider', timeoutMs: 500, baseDelayMs: 40, metrics, ...overrides });
  const counted = async (outcome: string) =>
    (await metrics.providerRequests.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { made, counted };
};

describe('the provider JSON client', () => {
  it('waits as long as a 429 asks (Retry-After), then gets the answer', async () => {
    script = [status(429, { 'retry-after': '1' }), ok];
    const { made, counted } = client();
    expect(await made.get(url, schema)).toEqual({ n: 1 });
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(990);
    expect([await counted('retried'), await counted('ok'), await counted('failed')]).toEqual([1, 1, 0]);
  });

  it('retries 5xx with growing delays, and gives up after 5 attempts with the last status', async () => {
    script = [status(503), status(500), status(503), status(502), status(503), ok];
    const { made, counted } = client();
    const error = await made.get(url, schema).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe(
      'test-provider: GET http://127.0.0.1:' + new URL(url).port + '/users: answered 503',
    );
    expect(arrivals).toHaveLength(5);
    // Delay n is at least half of 40 ms × 2^(n-1): 20, 40, 80, 160 ms.
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    expect([await counted('retried'), await counted('failed')]).toEqual([4, 1]);
  });

  it('retries an answer slower than the time limit, and a body cut short', async () => {
    const slow: Answer = (response) => setTimeout(() => ok(response), 800);
    const truncated: Answer = (response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"n": 1, "users": [{"i');
    script = [slow, truncated, ok];
    const { made, counted } = client({ timeoutMs: 300 });
    expect(await made.get(url, schema)).toEqual({ n: 1 });
    expect(arrivals).toHaveLength(3);
    expect(await counted('retried')).toBe(2);
  });

  it('does not retry what cannot get better: a 404, an answer of the wrong shape, a long Retry-After', async () => {
    const { made } = client();
    script = [status(404)];
    await expect(made.get(url, schema)).rejects.toThrow(/answered 404$/);
    script = [(response) => response.writeHead(200).end('{"n": "one"}')];
    await expect(made.get(url, schema)).rejects.toThrow(
      /unexpected answer: n: Invalid input: expected number/,
    );
    script = [status(429, { 'retry-after': '3600' })];
    await expect(made.get(url, schema)).rejects.toThrow(/asked to wait 3600 s \(more than 30 s\)/);
    expect(arrivals).toHaveLength(3);
  });

  it('fails after its attempts when nothing listens', async () => {
    const { made } = client({ maxAttempts: 2, baseDelayMs: 1 });
    await expect(made.get('http://127.0.0.1:9/users', schema)).rejects.toThrow(/unreachable/);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfter('2')).toBe(2000);
    expect(retryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter(null)).toBeUndefined();
  });
});
