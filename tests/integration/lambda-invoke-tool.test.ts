import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../shared/queue/envelope.ts';
import { scheduledEvent } from '../../scripts/lambda/events.ts';
import { BundleNotFoundError, invokeBundle, InvokeError } from '../../scripts/lambda/invoke.ts';

/**
 * `invokeBundle` on a hand-made bundle (the real bundles are the build's tests): a fresh
 * process, a Lambda-like environment, results over IPC, the bundle's output as its logs.
 */
const BUNDLE = `
const loadedAt = Date.now();
console.log(JSON.stringify({ level: 30, msg: 'cold start', pid: process.pid }));
export const handler = async (event, context) => {
  console.log(JSON.stringify({ level: 30, msg: 'invoked', requestId: context.awsRequestId }));
  if (event.detail?.fail) throw new RangeError(event.detail.fail);
  if (event.detail?.hang) return new Promise(() => setInterval(() => {}, 1000));
  // Some work, so the measured duration cannot round to nothing.
  let sum = 0;
  for (let i = 0; i < 1e5; i++) sum += i;
  return {
    detail: event.detail,
    sum,
    loadedAt,
    pid: process.pid,
    env: {
      name: process.env.AWS_LAMBDA_FUNCTION_NAME,
      version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      root: process.env.LAMBDA_TASK_ROOT,
      tz: process.env.TZ,
      region: process.env.AWS_REGION,
      custom: process.env.CUSTOM_SETTING ?? null,
      home: process.env.HOME ?? null,
    },
    context: {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      memoryLimitInMB: context.memoryLimitInMB,
      invokedFunctionArn: context.invokedFunctionArn,
      remaining: context.getRemainingTimeInMillis(),
      logGroupName: context.logGroupName,
    },
  };
};
`;

let workDir: string;
let bundleDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'fnstack-invoke-'));
  bundleDir = path.join(workDir, 'demo-fn');
  await mkdir(bundleDir);
  await writeFile(path.join(bundleDir, 'index.mjs'), BUNDLE);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('invokeBundle', () => {
  it('runs the events in one fresh process, captures a thrown error and the logs', async () => {
    const events = [
      scheduledEvent({ rule: 'demo' }),
      { ...scheduledEvent({ rule: 'demo' }), detail: { fail: 'out of range' } },
      { ...scheduledEvent({ rule: 'demo' }), detail: { n: 3 } },
    ];
    const run = await invokeBundle({
      bundleDir,
      events,
      env: { CUSTOM_SETTING: 'on', AWS_REGION: 'eu-west-1' },
      memoryMb: 256,
    });

    expect(run.exitCode).toBe(0);
    expect(run.initError).toBeUndefined();
    expect(run.initMs).toBeGreaterThan(0);
    expect(run.totalMs).toBeGreaterThan(run.initMs);
    expect(run.invocations).toHaveLength(3);
    for (const invocation of run.invocations) expect(invocation.durationMs).toBeGreaterThan(0);

    const [first, failed, third] = run.invocations;
    const result = first?.result as {
      detail: unknown;
      pid: number;
      loadedAt: number;
      env: Record<string, string | null>;
      context: Record<string, unknown>;
    };
    expect(result.detail).toEqual({});
    expect(result.pid).not.toBe(process.pid);
    expect(result.env).toEqual({
      name: 'demo-fn',
      version: '$LATEST',
      memory: '256',
      root: bundleDir,
      tz: ':UTC',
      region: 'eu-west-1',
      custom: 'on',
      // The caller's environment is not passed on.
      home: null,
    });
    expect(result.context).toMatchObject({
      functionName: 'demo-fn',
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:demo-fn',
      logGroupName: '/aws/lambda/demo-fn',
    });
    expect(result.context.remaining).toBeGreaterThan(0);

    expect(failed?.result).toBeUndefined();
    expect(failed?.error).toMatchObject({ name: 'RangeError', message: 'out of range' });
    expect(failed?.error?.stack).toContain('index.mjs');

    // The same (warm) process served the event after the error.
    const warm = third?.result as { detail: unknown; pid: number; loadedAt: number };
    expect(warm.detail).toEqual({ n: 3 });
    expect(warm.pid).toBe(result.pid);
    expect(warm.loadedAt).toBe(result.loadedAt);

    const lines = run.logs
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; requestId?: string });
    expect(lines.map((l) => l.msg)).toEqual(['cold start', 'invoked', 'invoked', 'invoked']);
    expect(lines.slice(1).map((l) => l.requestId)).toEqual(run.invocations.map((i) => i.requestId));
    expect(new Set(run.invocations.map((i) => i.requestId)).size).toBe(3);
  });

  it("reports a handler that outlives the function's timeout as Lambda does, and stops the process", async () => {
    const run = await invokeBundle({
      bundleDir,
      events: [{ detail: { hang: true } }, { detail: {} }],
      functionTimeoutMs: 300,
    });
    expect(run.exitCode).toBe(0);
    // The environment is discarded after a timeout: the second event is not run.
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0]?.error).toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 0.30 seconds',
    });
  });

  it('kills a runtime that does not finish in time and keeps what it logged', async () => {
    const failure = await invokeBundle({
      bundleDir,
      events: [{ detail: { hang: true } }],
      // Room for a slow machine to start the process and load the bundle before the kill.
      timeoutMs: 4_000,
      functionTimeoutMs: 60_000,
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InvokeError);
    const { partial, message } = failure as InvokeError;
    expect(message).toContain('4000 ms');
    expect(partial.logs).toContain('cold start');
    expect(partial.exitCode).toBeNull();
  });

  it('reports a bundle without the handler export as an init error', async () => {
    const dir = path.join(workDir, 'no-handler');
    await mkdir(dir);
    await writeFile(path.join(dir, 'index.mjs'), 'export const other = () => 1;\n');
    const run = await invokeBundle({ bundleDir: dir, events: [{}] });
    expect(run.initError).toMatchObject({
      name: 'Runtime.HandlerNotFound',
      message: 'index.handler is undefined or not exported',
    });
    expect(run.invocations).toEqual([]);
  });

  it('says when there is no bundle', async () => {
    await expect(
      invokeBundle({ bundleDir: path.join(workDir, 'missing'), events: [] }),
    ).rejects.toBeInstanceOf(BundleNotFoundError);
  });
});

describe('npm run event', () => {
  function runEventCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/event.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
  }

  it("prints an SQS batch of envelopes for a task, on the task's queue", async () => {
    const { code, stdout, stderr } = await runEventCli([
      'sqs',
      '--function',
      'gradcafe-scrape-new-data',
      '--payload',
      '{"since":7}',
      '--count',
      '2',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const event = JSON.parse(stdout) as SQSEvent;
    expect(event.Records).toHaveLength(2);
    for (const record of event.Records) {
      expect(record.eventSourceARN).toMatch(/:gradcafe_scrape-new-data$/);
      const parsed = parseEnvelope(record.body);
      expect(parsed.ok && parsed.envelope).toMatchObject({ kind: 'scrape_new_data', payload: { since: 7 } });
    }
  });

  it('rejects a function that is not a task with exit code 2 and lists the tasks', async () => {
    const { code, stderr } = await runEventCli(['sqs', '--function', 'gradcafe-update-analysis']);
    expect(code).toBe(2);
    expect(stderr).toContain("'gradcafe-update-analysis' is an HTTP function");
    expect(stderr).toContain('gradcafe-recompute-analytics');
  });
});
