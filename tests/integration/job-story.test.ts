import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineTask, type TaskCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { createEnvelope } from '../../shared/queue/envelope.ts';
import { JOB_LOG_LIMITS } from '../../shared/runtime/job-story.ts';
import { createJobs } from '../../shared/runtime/jobs.ts';
import { createTestDb } from '../helpers/db.ts';
import { FakePublisher } from '../helpers/fake-ctx.ts';
import { taskProcessorFor } from '../helpers/task-processor.ts';

/**
 * A job's story on its row, as the console's job page reads it: each attempt with its outcome and
 * the delay before the next, what operators did (retry, cancel), and the task's log lines, bounded.
 */
let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await createTestDb('pglite')));
afterAll(() => drop?.());

type Handler = (payload: { name: string }, ctx: TaskCtx) => Promise<unknown>;

function setup(handler: Handler) {
  const definition = defineTask({
    consumes: ['greet'],
    payload: z.object({ name: z.string() }),
    retry: { attempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 },
    handler: vi.fn(handler),
  });
  const { deliver } = taskProcessorFor(db, 'greet', definition);
  const publisher = new FakePublisher();
  const jobs = createJobs({ db, publisher });
  /** The message of the latest publish, as the broker would deliver it. */
  const lastMessage = (attempt = 1) => {
    const sent = publisher.published.at(-1)!;
    return {
      ...createEnvelope({
        kind: sent.kind,
        payload: sent.payload,
        id: sent.messageId,
        jobId: sent.jobId!,
        correlationId: sent.correlationId!,
      }),
      attempt,
    };
  };
  return { deliver, jobs, publisher, lastMessage, handler: definition.handler };
}

describe('a job page story', () => {
  it('records each attempt with its outcome, the retry delay and the lines its handler logged', async () => {
    let calls = 0;
    const { deliver, jobs, lastMessage } = setup(async ({ name }, ctx) => {
      calls += 1;
      ctx.log.info({ name, call: calls }, 'greeting %s', name);
      ctx.log.child({ step: 'send' }).warn('the greeter is slow');
      if (calls === 1) throw new Error('greeter down');
      return { greeted: name };
    });
    const { jobId } = await jobs.trigger('greet', { name: 'Ada' });
    expect((await deliver(lastMessage(1))).type).toBe('retry');
    expect(await deliver(lastMessage(2))).toEqual({ type: 'ack' });

    const job = await jobs.detail(jobId);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2, result: { greeted: 'Ada' } });
    expect(job!.timeline).toEqual([
      expect.objectContaining({
        type: 'attempt',
        attempt: 1,
        outcome: 'failed',
        error: 'greeter down',
        retryInMs: 1000,
      }),
      expect.objectContaining({ type: 'attempt', attempt: 2, outcome: 'succeeded' }),
    ]);
    for (const event of job!.timeline) {
      if (event.type === 'attempt') expect(event.finishedAt >= event.startedAt).toBe(true);
    }
    expect(job!.logLines.map(({ attempt, level, msg }) => [attempt, level, msg])).toEqual([
      [1, 'info', 'greeting Ada'],
      [1, 'warn', 'the greeter is slow'],
      [2, 'info', 'greeting Ada'],
      [2, 'warn', 'the greeter is slow'],
    ]);
    expect(JSON.parse(job!.logLines[0]!.fields!)).toEqual({ name: 'Ada', call: 1 });
  });

  it('keeps the first lines of an attempt', async () => {
    const { deliver, jobs, lastMessage } = setup(async (_payload, ctx) => {
      for (let i = 0; i < JOB_LOG_LIMITS.linesPerAttempt + 20; i += 1) ctx.log.info(`line ${i}`);
      return {};
    });
    const { jobId } = await jobs.trigger('greet', { name: 'Ada' });
    await deliver(lastMessage());
    const { logLines } = (await jobs.detail(jobId))!;
    expect(logLines).toHaveLength(JOB_LOG_LIMITS.linesPerAttempt);
    expect(logLines.at(-1)!.msg).toBe(`line ${JOB_LOG_LIMITS.linesPerAttempt - 1}`);
  });

  it('cuts a long message and long fields', async () => {
    const { deliver, jobs, lastMessage } = setup(async (_payload, ctx) => {
      ctx.log.error({ blob: 'y'.repeat(10_000) }, 'x'.repeat(10_000));
      throw new Error('boom');
    });
    const { jobId } = await jobs.trigger('greet', { name: 'Ada' });
    await deliver(lastMessage(2));
    const [line] = (await jobs.detail(jobId))!.logLines;
    expect(line!.msg.length).toBe(JOB_LOG_LIMITS.messageChars);
    expect(line!.fields!.length).toBe(JOB_LOG_LIMITS.fieldsChars);
  });

  it('retries a dead job under its first message id, so its dead letter replayed later runs nothing', async () => {
    let calls = 0;
    const { deliver, jobs, publisher, lastMessage } = setup(async () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return { ok: true };
    });
    const { jobId, messageId } = await jobs.trigger('greet', { name: 'Ada' });
    const dead = lastMessage(2);
    expect((await deliver(dead)).type).toBe('dead');
    expect((await jobs.get(jobId))!.status).toBe('dead');

    await jobs.retry(jobId, { by: 'ops@example.com' });
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]).toMatchObject({ messageId, jobId, kind: 'greet' });
    expect((await jobs.get(jobId))!.status).toBe('queued');
    expect(await deliver(lastMessage(1))).toEqual({ type: 'ack' });
    // The dead letter, replayed afterwards: the inbox knows its id, the handler does not run.
    expect(await deliver({ ...dead, attempt: 1 })).toEqual({ type: 'ack' });
    expect(calls).toBe(2);

    const job = (await jobs.detail(jobId))!;
    expect(job.status).toBe('succeeded');
    expect(job.timeline.map((e) => (e.type === 'attempt' ? `${e.attempt}:${e.outcome}` : e.type))).toEqual([
      '2:dead',
      'retried',
      '1:succeeded',
    ]);
    expect(job.timeline[1]).toMatchObject({ by: 'ops@example.com' });
  });

  it('refuses to retry a job that did not fail, and says why', async () => {
    const { deliver, jobs, lastMessage } = setup(async () => ({}));
    const { jobId } = await jobs.trigger('greet', { name: 'Ada' });
    await deliver(lastMessage());
    await expect(jobs.retry(jobId, { by: 'ops' })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/is succeeded and cannot be retried/),
    });
    await expect(jobs.retry(crypto.randomUUID(), { by: 'ops' })).rejects.toMatchObject({ status: 404 });
  });

  it('cancels a queued job: its message is acknowledged without running', async () => {
    const { deliver, jobs, lastMessage, handler } = setup(async () => ({}));
    const { jobId } = await jobs.trigger('greet', { name: 'Ada' });
    await jobs.cancel(jobId, { by: 'ops@example.com' });
    expect(await deliver(lastMessage())).toEqual({ type: 'ack' });
    expect(handler).not.toHaveBeenCalled();
    const job = (await jobs.detail(jobId))!;
    expect(job.status).toBe('cancelled');
    expect(job.timeline).toEqual([expect.objectContaining({ type: 'cancelled', by: 'ops@example.com' })]);
    // Too late to cancel a job that ran.
    await expect(jobs.cancel(jobId, { by: 'ops' })).rejects.toMatchObject({ status: 409 });
  });
});
