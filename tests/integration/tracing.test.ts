import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { accepted, defineHttp, defineTask } from '../../shared/contract/index.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { startTracing, type Tracing } from '../../shared/observability/tracing-sdk.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { startWorker } from '../../shared/runtime/worker.ts';
import { createFakeAuth } from '../helpers/fake-ctx.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * With tracing on, an HTTP request, the job message it publishes (through RabbitMQ) and the task
 * that consumes it, and the message that task publishes in turn, form one trace; log lines carry
 * the trace id. With it off (the default), envelopes carry nothing.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'fnstack-test', exporter, immediate: true });
});
afterAll(() => tracing?.stop());

const lines: Record<string, unknown>[] = [];
const log = createLogger('info', {
  destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
});

const functions = {
  'functions/demo/greet.ts': defineHttp({
    method: 'POST',
    path: '/greet',
    auth: 'public',
    summary: 'Queue a greeting',
    handler: async (_req, ctx) =>
      accepted({ kind: 'greet', ...(await ctx.jobs.trigger('greet', { name: 'Ada' })) }),
  }),
  'functions/demo/send-greeting.ts': defineTask({
    consumes: 'greet',
    payload: z.object({ name: z.string() }),
    handler: async ({ name }, ctx) => {
      log.info({ name }, 'greeting');
      await ctx.queue.publish('greeted', { name });
      return {};
    },
  }),
  'functions/demo/note-greeting.ts': defineTask({
    consumes: 'greeted',
    payload: z.object({ name: z.string() }),
    handler: async () => ({}),
  }),
};

describe('traces', () => {
  it('follow a request through its job message into the task, and on into the message it publishes', async () => {
    const test = await createTestPlatform(stacks[1], functions);
    const worker = await startWorker(test.platform);
    try {
      const app = createHttpApp({
        manifest: test.platform.manifest,
        makeCtx: test.platform.httpCtx,
        log: test.platform.log,
        metrics: test.platform.metrics,
        auth: createFakeAuth(),
      });
      const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await app.request('/demo/greet', {
        method: 'POST',
        headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
      });
      expect(res.status).toBe(202);
      const spanOf = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name);
      await waitFor(() => spanOf('task greeted') !== undefined, { timeoutMs: 15_000 });

      const request = spanOf('POST /demo/greet')!;
      const task = spanOf('task greet')!;
      const next = spanOf('task greeted')!;
      // One trace, the caller's: request → task → the task the outbox message reached.
      for (const span of [request, task, next]) expect(span.spanContext().traceId).toBe(callerTrace);
      expect(parentOf(request)).toBe('00f067aa0ba902b7');
      expect(parentOf(task)).toBe(request.spanContext().spanId);
      expect(parentOf(next)).toBe(task.spanContext().spanId);
      expect(request.kind).toBe(SpanKind.SERVER);
      expect(task.kind).toBe(SpanKind.CONSUMER);
      expect(task.attributes).toMatchObject({ 'fnstack.kind': 'greet', 'fnstack.attempt': 1 });
      expect(request.attributes).toMatchObject({
        'http.route': '/demo/greet',
        'http.response.status_code': 202,
      });
      // The handler's log line names its trace and span.
      expect(lines.find((line) => line.msg === 'greeting')).toMatchObject({
        traceId: callerTrace,
        spanId: task.spanContext().spanId,
      });
    } finally {
      await worker.stop();
      await test.close();
    }
  });

  it('mark a failing attempt as an error', async () => {
    const test = await createTestPlatform(stacks[1], {
      'functions/demo/fail.ts': defineTask({
        consumes: 'fail',
        payload: z.object({}),
        retry: { attempts: 1 },
        handler: async () => {
          throw new Error('always');
        },
      }),
    });
    const worker = await startWorker(test.platform);
    try {
      await test.platform.driver.publish(createEnvelope({ kind: 'fail', payload: {} }));
      await waitFor(() => exporter.getFinishedSpans().some((span) => span.name === 'task fail'));
      const span = exporter.getFinishedSpans().find((s) => s.name === 'task fail')!;
      expect(span.status).toMatchObject({ code: 2, message: 'always' });
    } finally {
      await worker.stop();
      await test.close();
    }
  });
});

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
