import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

export interface Tracing {
  /** Export what is still buffered (a Lambda invocation ends with it: a frozen container sends nothing). */
  flush(): Promise<void>;
  /** Flush, then stop tracing. */
  stop(): Promise<void>;
}

/** The tracing this process started, if any: what flushTraces flushes. */
let active: Tracing | undefined;

/**
 * Switch tracing on for this process: a tracer provider that batches spans to `exporter` (by
 * default OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, e.g. the compose profile's Jaeger at
 * http://localhost:4318), the async-hooks context manager (so a span follows its request or message
 * through awaits), and the W3C trace-context propagator (the `traceparent` of requests and
 * envelopes). Loaded only when tracing is on: a process that does not trace never imports the SDK.
 */
export async function startTracing(options: {
  serviceName: string;
  exporter?: SpanExporter;
  /** Export each span at once (tests) instead of in batches. */
  immediate?: boolean;
}): Promise<Tracing> {
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
  const tracing: Tracing = {
    flush: () => provider.forceFlush(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      if (active === tracing) active = undefined;
    },
  };
  active = tracing;
  return tracing;
}

/** Export what the tracing of this process still buffers; nothing to do when tracing is off. */
export async function flushTraces(): Promise<void> {
  await active?.flush();
}
