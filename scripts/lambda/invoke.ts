import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SAMPLE_ACCOUNT_ID, SAMPLE_REGION } from './events.ts';
import type { InvokeRequest, RuntimeMessage, SerializedError } from './lambda-process.ts';

/**
 * Run one built Lambda bundle the way Lambda does, for `npm run invoke`, tests and the
 * cold-start bench: a fresh Node process per call (so the import is a real cold start), a
 * Lambda-like environment instead of the caller's, and results over an IPC channel while the
 * bundle's stdout/stderr are captured as its logs.
 *
 * @example
 *   const run = await invokeBundle({ bundleDir: 'dist/lambda/platform-healthz', events: [httpEvent(...)] });
 *   run.invocations[0].result; // { statusCode: 200, ... }
 */
export interface InvokeOptions {
  /** A folder holding `index.mjs` that exports `handler`. */
  bundleDir: string;
  /** Invoked one after the other in the same (then warm) process. */
  events: unknown[];
  /**
   * Variables on top of the Lambda-like environment (and overriding it). The caller's own
   * environment is not passed on, as nothing of a developer's shell reaches a real Lambda.
   */
  env?: Record<string, string>;
  /** The runtime is killed after this long (from spawn), default 30 s. */
  timeoutMs?: number;
  /** The function's own timeout per invocation (`getRemainingTimeInMillis`); default `timeoutMs`. */
  functionTimeoutMs?: number;
  /** Default: the bundle folder's name, which the build names after the function id. */
  functionName?: string;
  /** AWS_LAMBDA_FUNCTION_MEMORY_SIZE, and the heap cap derived from it; default 1024. */
  memoryMb?: number;
}

export interface Invocation {
  requestId: string;
  durationMs: number;
  result?: unknown;
  error?: SerializedError;
}

export interface InvokeResult {
  /** The init phase: importing the bundle. */
  initMs: number;
  /** Set when the bundle could not be loaded; then nothing was invoked. */
  initError?: SerializedError;
  invocations: Invocation[];
  /** The bundle's stdout and stderr, interleaved as written. */
  logs: string;
  /** Wall clock from spawning the process to the last result: a cold start as a caller sees it. */
  totalMs: number;
  exitCode: number | null;
}

export type { SerializedError };

export class BundleNotFoundError extends Error {
  constructor(readonly bundleDir: string) {
    super(`no Lambda bundle at ${path.join(bundleDir, 'index.mjs')}`);
  }
}

/** The runtime crashed or hung: no complete result. What it reported before is kept. */
export class InvokeError extends Error {
  constructor(
    message: string,
    readonly partial: Omit<InvokeResult, 'totalMs'>,
  ) {
    super(message);
  }
}

export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;
const DEFAULT_MEMORY_MB = 1024;
const RUNTIME_SCRIPT = fileURLToPath(new URL('./lambda-process.ts', import.meta.url));

export async function invokeBundle(options: InvokeOptions): Promise<InvokeResult> {
  assertTypeStripping();
  const bundleDir = path.resolve(options.bundleDir);
  if (!existsSync(path.join(bundleDir, 'index.mjs'))) throw new BundleNotFoundError(bundleDir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
  const functionName = options.functionName ?? path.basename(bundleDir);
  const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
  const env = lambdaEnvironment({ functionName, memoryMb, bundleDir, extra: options.env ?? {} });
  const request: InvokeRequest = {
    type: 'invoke',
    events: options.events,
    functionTimeoutMs: options.functionTimeoutMs ?? timeoutMs,
    invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION}:${SAMPLE_ACCOUNT_ID}:function:${functionName}`,
  };

  const started = performance.now();
  // Lambda's runtime sizes V8's heap from the function's memory; ~90% keeps a bundle that needs
  // more heap than its memory from passing here and failing there.
  const heapArg = `--max-old-space-size=${Math.floor(memoryMb * 0.9)}`;
  const child = spawn(process.execPath, [heapArg, RUNTIME_SCRIPT], {
    cwd: bundleDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let logs = '';
  // Both are pipes (stdio above); the typings cannot tell with an 'ipc' entry in the array.
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));

  return new Promise<InvokeResult>((resolve, reject) => {
    let initMs = 0;
    let initError: SerializedError | undefined;
    const invocations: Invocation[] = [];
    let totalMs: number | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.on('spawn', () => child.send(request));
    child.on('message', (message: RuntimeMessage) => {
      if (message.type === 'init') {
        initMs = message.initMs;
        initError = message.error;
      } else if (message.type === 'invocation') {
        const { requestId, durationMs, result, error } = message;
        invocations.push(error ? { requestId, durationMs, error } : { requestId, durationMs, result });
      } else {
        totalMs = performance.now() - started;
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' comes after the process exited and its stdio and IPC channel are drained.
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const partial = { initMs, ...(initError ? { initError } : {}), invocations, logs, exitCode };
      if (totalMs !== undefined && !timedOut) {
        resolve({ ...partial, totalMs });
      } else if (timedOut) {
        reject(new InvokeError(`the runtime did not finish within ${timeoutMs} ms and was killed`, partial));
      } else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
        reject(new InvokeError(`the runtime ${how} before finishing (a crash: see its logs)`, partial));
      }
    });
  });
}

function lambdaEnvironment(options: {
  functionName: string;
  memoryMb: number;
  bundleDir: string;
  extra: Record<string, string>;
}): Record<string, string> {
  const { functionName, extra } = options;
  const region = extra.AWS_REGION ?? SAMPLE_REGION;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    // Only so a bundle that spawns a program finds it; Lambda has its own PATH.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: options.bundleDir,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // What the deployment sets on every function.
    NODE_ENV: 'production',
    NODE_OPTIONS: '--enable-source-maps',
    ...extra,
  };
}

/** The runtime script is TypeScript run by plain `node`, which strips types from Node 23.6 on. */
function assertTypeStripping(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 23 || (major === 23 && minor < 6)) {
    throw new Error(
      `invoking a bundle needs Node >= 23.6 (this is ${process.versions.node}); run it through npm/npx, which use the project's Node 24`,
    );
  }
}
