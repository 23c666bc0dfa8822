import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * OpenTelemetry traces: an HTTP request, the messages it publishes and the tasks that consume them
 * form one trace, the W3C `traceparent` riding in the envelope from one to the next.
 *
 * The platform speaks only `@opentelemetry/api`. Until something registers a tracer provider
 * (shared/observability/tracing-sdk.ts does, when OTEL_EXPORTER_OTLP_ENDPOINT is set) every call
 * here is the API's no-op: no span is recorded, no id is made, nothing is exported, and envelopes
 * carry no `traceparent`.
 */
const tracer = () => trace.getTracer('fnstack');

/** The W3C trace context of the active span, for an envelope; undefined when nothing is traced. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` (from a request's headers or an envelope) continues. */
export function contextFrom(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/**
 * Run `work` in a new span, child of `parent`: ended when `work` settles, marked as an error
 * (with the exception recorded) when it throws.
 *
 * @example
 *   await inSpan('task greet', { kind: SpanKind.CONSUMER, parent: contextFrom(envelope.traceparent) }, () => run());
 */
export function inSpan<T>(
  name: string,
  options: { kind: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}) },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** `traceId` and `spanId` of the active span, for log lines; nothing when nothing is traced. */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // A sampled-out or no-op span has all-zero ids or no sampled flag: nothing worth logging.
  return traceFlags & 1 ? { traceId, spanId } : {};
}

export { SpanKind, SpanStatusCode };
