/**
 * A stand-in for Lambda's Node runtime, run in a fresh child process by invoke.ts: loads the
 * handler named by `_HANDLER` from `LAMBDA_TASK_ROOT` (the init phase), then calls it once per
 * event with a Lambda-like context, and reports each step to the parent over the IPC channel
 * (the bundle's stdout and stderr are its logs, so they cannot corrupt the results).
 *
 * Started with plain `node` (types stripped natively), not tsx, so the bundle runs on a plain
 * runtime as on Lambda: only erasable TypeScript syntax here, and no project imports but types.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** The one message the parent sends after spawning. */
export interface InvokeRequest {
  type: 'invoke';
  events: unknown[];
  /** The function's configured timeout; `getRemainingTimeInMillis()` counts down from it. */
  functionTimeoutMs: number;
  invokedFunctionArn: string;
}

/** What the runtime reports, in order: `init`, one `invocation` per event run, `done`. */
export type RuntimeMessage =
  | { type: 'init'; initMs: number; error?: SerializedError }
  | { type: 'invocation'; requestId: string; durationMs: number; result?: unknown; error?: SerializedError }
  | { type: 'done' };

type Handler = (event: unknown, context: Context) => unknown;

// The extensions Lambda's Node runtime tries for the module named in `_HANDLER`.
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

if (!process.send) {
  console.error('lambda-process.ts is started by scripts/lambda/invoke.ts, over an IPC channel.');
  process.exit(2);
}
process.once('message', (request: InvokeRequest) => void run(request));

async function run(request: InvokeRequest): Promise<void> {
  const handler = await init();
  if (handler) {
    for (const event of request.events) {
      const finished = await invoke(handler, event, request);
      // Lambda discards an execution environment whose invocation timed out.
      if (!finished) break;
    }
  }
  await send({ type: 'done' });
  // A warm bundle keeps pools and sockets open; Lambda freezes it, we stop it.
  process.exit(0);
}

async function init(): Promise<Handler | undefined> {
  const started = performance.now();
  try {
    const handler = await loadHandler(process.env._HANDLER ?? 'index.handler');
    await send({ type: 'init', initMs: performance.now() - started });
    return handler;
  } catch (err) {
    await send({ type: 'init', initMs: performance.now() - started, error: serialize(err) });
    return undefined;
  }
}

async function loadHandler(name: string): Promise<Handler> {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = name.lastIndexOf('.');
  const [moduleName, exportName] = [name.slice(0, dot), name.slice(dot + 1)];
  const file = MODULE_EXTENSIONS.map((ext) => path.join(root, moduleName + ext)).find((f) => existsSync(f));
  if (!file) throw runtimeError('Runtime.ImportModuleError', `Cannot find module '${moduleName}'`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw runtimeError('Runtime.HandlerNotFound', `${name} is undefined or not exported`);
  }
  return handler as Handler;
}

/** Runs one event; false when it timed out (the environment is then not reused). */
async function invoke(handler: Handler, event: unknown, request: InvokeRequest): Promise<boolean> {
  const requestId = randomUUID();
  const deadline = Date.now() + request.functionTimeoutMs;
  // The deprecated context.succeed/fail/done end an invocation too.
  const legacy = Promise.withResolvers<unknown>();
  const context = lambdaContext(requestId, deadline, request.invokedFunctionArn, legacy);
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const timedOut = new Promise<never>((_, reject) => {
    const seconds = (request.functionTimeoutMs / 1000).toFixed(2);
    const error = runtimeError('Sandbox.Timedout', `Task timed out after ${seconds} seconds`);
    timer = setTimeout(() => {
      expired = true;
      reject(error);
    }, request.functionTimeoutMs);
  });
  const started = performance.now();
  try {
    const returned = await Promise.race([
      Promise.resolve().then(() => handler(event, context)),
      legacy.promise,
      timedOut,
    ]);
    const durationMs = performance.now() - started;
    await send({ type: 'invocation', requestId, durationMs, ...marshal(returned) });
    return true;
  } catch (err) {
    const durationMs = performance.now() - started;
    await send({ type: 'invocation', requestId, durationMs, error: serialize(err) });
    return !expired;
  } finally {
    clearTimeout(timer);
  }
}

/** Lambda returns the result as JSON: what JSON cannot carry is lost, and a cycle is an error. */
function marshal(value: unknown): { result: unknown } | { error: SerializedError } {
  try {
    return { result: JSON.parse(JSON.stringify(value) ?? 'null') as unknown };
  } catch (err) {
    return { error: serialize(runtimeError('Runtime.MarshalError', (err as Error).message)) };
  }
}

function lambdaContext(
  requestId: string,
  deadline: number,
  invokedFunctionArn: string,
  legacy: PromiseWithResolvers<unknown>,
): Context {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: Error, result?: unknown) => (error ? legacy.reject(error) : legacy.resolve(result)),
    fail: (error: Error | string) => legacy.reject(typeof error === 'string' ? new Error(error) : error),
    succeed: (result: unknown) => legacy.resolve(result),
  };
}

// Errors of the runtime itself (timeout, missing handler): their stack is ours, not the bundle's.
const runtimeErrors = new WeakSet<Error>();

function runtimeError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  runtimeErrors.add(error);
  return error;
}

function serialize(err: unknown): SerializedError {
  if (err instanceof Error) {
    const stack = runtimeErrors.has(err) ? undefined : err.stack;
    return { name: err.name, message: err.message, ...(stack ? { stack } : {}) };
  }
  return { name: 'Error', message: typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err)) };
}

function send(message: RuntimeMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send!(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
