import { describe, expect, it } from 'vitest';
import { MessageTooLargeError } from '../../shared/errors.ts';
import {
  MAX_MESSAGE_BYTES,
  createEnvelope,
  parseEnvelope,
  serializeEnvelope,
} from '../../shared/queue/envelope.ts';
import { createMemoryDriver } from '../../shared/queue/memory.ts';
import { retryDelayMs } from '../../shared/queue/port.ts';

describe('envelope', () => {
  it('round-trips a created envelope', () => {
    const envelope = createEnvelope({ kind: 'k', payload: { a: 1 }, correlationId: 'c-1' });
    const parsed = parseEnvelope(Buffer.from(JSON.stringify(envelope)));
    expect(parsed).toEqual({ ok: true, envelope });
    expect(envelope.attempt).toBe(1);
  });

  it('refuses a body larger than SQS allows, before reading it', () => {
    const fits = JSON.stringify(createEnvelope({ kind: 'k', payload: { text: '' } }));
    const padding = 'x'.repeat(MAX_MESSAGE_BYTES - fits.length);
    const atLimit = fits.replace('"text":""', `"text":"${padding}"`);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_MESSAGE_BYTES);
    expect(parseEnvelope(atLimit).ok).toBe(true);
    expect(parseEnvelope(atLimit.replace('"text":"', '"text":"x'))).toEqual({
      ok: false,
      reason: `message too large: ${MAX_MESSAGE_BYTES + 1} bytes (the limit is ${MAX_MESSAGE_BYTES})`,
    });
  });

  it('refuses to send what it would refuse to receive, before any broker sees it', async () => {
    const big = createEnvelope({ kind: 'k', payload: { text: 'é'.repeat(MAX_MESSAGE_BYTES / 2) } });
    expect(() => serializeEnvelope(big)).toThrow(MessageTooLargeError);
    expect(() => serializeEnvelope(big)).toThrow(/message 'k' is 262\d{3} bytes; the limit is 262144/);
    const driver = createMemoryDriver();
    await driver.declare({
      queues: [
        { name: 'q', kinds: ['k'], concurrency: 1, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      ],
    });
    await expect(driver.publish(big)).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', status: 413 });
    expect(JSON.parse(serializeEnvelope(createEnvelope({ kind: 'k', payload: { a: 1 } })))).toMatchObject({
      kind: 'k',
    });
    await driver.close();
  });

  it.each([
    ['__proto__', '{"__proto__":{"admin":true}}'],
    ['an escaped __proto__', '{"\\u005f_proto__":{"admin":true}}'],
    ['constructor.prototype', '{"nested":{"constructor":{"prototype":{"admin":true}}}}'],
  ])('refuses a payload with %s keys instead of stripping them', (_, payload) => {
    const body = JSON.stringify(createEnvelope({ kind: 'k', payload: {} })).replace(
      '"payload":{}',
      `"payload":${payload}`,
    );
    expect(parseEnvelope(body)).toEqual({
      ok: false,
      reason: 'malformed body: Object contains forbidden prototype property',
    });
  });

  it('carries no trace context while tracing is off (the default)', () => {
    const envelope = createEnvelope({ kind: 'k', payload: {} });
    expect(Object.keys(envelope)).not.toContain('traceparent');
  });

  it('uses the message id as correlation id when none is given', () => {
    const envelope = createEnvelope({ kind: 'k', payload: {} });
    expect(envelope.correlationId).toBe(envelope.id);
  });

  it.each([
    ['not json', 'malformed body'],
    ['{"kind":"k"}', 'invalid envelope'],
    ['[]', 'invalid envelope'],
    [JSON.stringify({ ...createEnvelope({ kind: 'k', payload: 1 }), attempt: 0 }), 'attempt'],
    [JSON.stringify({ ...createEnvelope({ kind: 'k', payload: 1 }), id: 'nope' }), 'id'],
  ])('rejects %s without throwing', (body, reason) => {
    const parsed = parseEnvelope(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('retryDelayMs', () => {
  const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 10_000 };

  it('doubles per attempt without jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, mid))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('caps at maxDelayMs', () => {
    expect(retryDelayMs(policy, 10, () => 0.5)).toBe(10_000);
  });

  it('jitters within ±20%', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(800);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1200);
  });
});
