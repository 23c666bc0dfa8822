import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * Switch tracing on for this process: a tracer provider that batches spans to `exporter` (by
 * default OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, e.g. the compose profile's Jaeger at
 * http://localhost:4318), the async-hooks context manager (so a span follows its request or message
 * through awaits), and the W3C trace-context propagator (the `traceparent` of requests and
 * envelopes). Loaded only when tracing is on: a process that does not trace never imports the SDK.
 *
 * @returns a function that flushes what is still buffered and stops.
 */
export async function startTracing(options: {
  serviceName: string;
  exporter?: SpanExporter;
  /** Export each span at once (tests) instead of in batches. */
  immediate?: boolean;
}): Promise<() => Promise<void>> {
  const [
    { TracerProvider, BatchSpanProcessor, SimpleSpanProcessor },
    { resourceFromAttributes },
    core,
    hooks,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const exporter =
    options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  const processor = options.immediate
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({ exporter });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [processor],
  });
  const contextManager = new hooks.AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}
