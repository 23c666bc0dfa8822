import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import apiGetReport from '../../functions/notes/api-get-report.ts';
import apiTriggerReport from '../../functions/notes/api-trigger-report.ts';
import syncReportAnalytics from '../../functions/notes/sync-report-analytics.ts';
import { ReportNotReadyError, readReportDocument } from '../../functions/notes/lib/analytics.ts';
import type { AuthUser, HttpCtx } from '../../shared/contract/index.ts';
import type { Db } from '../../shared/db/port.ts';
import { startWorker } from '../../shared/runtime/worker.ts';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.ts';
import { FakePublisher, readJson, type FakeCtxParts } from '../helpers/fake-ctx.ts';
import { callHttp, insertUser, notesHttpCtx, runTask } from '../helpers/notes.ts';
import { createTestPlatform, stacks } from '../helpers/platform.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Task reports end to end: POST /notes/api/jobs/task-report queues `notes_task_report`; its
 * handler stores the owner's report and announces `notes_report_finished`; the sink copies the
 * report into analytics.task_reports. First through the handlers on both databases, then through
 * the real consumer core and brokers, where a failing report is retried and dead-lettered.
 *
 * The report task's retry policy comes from the environment when its module loads, so it is set
 * before the import: three attempts, one second apart at first (the shortest delay SQS honours).
 */
process.env.NOTES_REPORT_MAX_ATTEMPTS = '3';
process.env.NOTES_REPORT_RETRY_BASE_MS = '1000';
const { default: taskReport } = await import('../../functions/notes/task-report.ts');

afterAll(() => {
  delete process.env.NOTES_REPORT_MAX_ATTEMPTS;
  delete process.env.NOTES_REPORT_RETRY_BASE_MS;
});

/** Tasks in every status, one created long ago, one changed after its creation. */
async function arrangeTasks(db: Db, ownerId: string): Promise<void> {
  await db.query(
    `insert into notes.tasks (owner_id, title, status, created_at, updated_at) values
       ($1, 'old and done', 'done', now() - interval '30 days', now() - interval '30 days'),
       ($1, 'fresh todo', 'todo', now() - interval '2 days', now() - interval '2 days'),
       ($1, 'started', 'in_progress', now() - interval '3 days', now() - interval '1 hour'),
       ($1, 'finished', 'done', now() - interval '1 day', now() - interval '1 day')`,
    [ownerId],
  );
}

describe('the report task policy', () => {
  it('takes its attempts and base delay from NOTES_REPORT_MAX_ATTEMPTS / NOTES_REPORT_RETRY_BASE_MS', () => {
    expect(taskReport.retry).toEqual({ attempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 });
    expect(taskReport.consumes).toEqual(['notes_task_report']);
  });
});

describe.each(dbBackends)('task reports through the handlers on %s', (backend) => {
  let testDb: TestDb;
  let db: Db;
  let ctx: HttpCtx;
  let fakes: FakeCtxParts;
  let owner: AuthUser;

  beforeAll(async () => {
    testDb = await createTestDb(backend);
    db = testDb.db;
    ({ ctx, ...fakes } = notesHttpCtx(db));
    owner = await insertUser(db, { email: 'reporter@example.com' });
    await arrangeTasks(db, owner.id);
  }, 60_000);
  afterAll(() => testDb?.drop());

  it('queues the job, stores the report, announces it, and the sink writes the analytics document', async () => {
    const accepted = await readJson(await callHttp(apiTriggerReport, { user: owner, body: {} }, ctx));
    const queued = fakes.queue.published.at(-1)!;
    expect(queued).toMatchObject({ kind: 'notes_task_report', jobId: accepted.jobId });

    const publisher = new FakePublisher();
    const result = await runTask(taskReport, db, queued.payload, { jobId: accepted.jobId, publisher });
    expect(result).toMatchObject({ ownerId: owner.id, total: 4, completionRate: 0.5 });

    const report = await readJson(
      await callHttp(apiGetReport, { user: owner, params: { ownerId: owner.id } }, ctx),
    );
    expect(report).toMatchObject({
      ownerId: owner.id,
      total: 4,
      todo: 1,
      inProgress: 1,
      done: 2,
      completionRate: 0.5,
      jobId: accepted.jobId,
      generatedAt: result.generatedAt,
    });
    expect(report.recentActivity).toMatchObject({ windowDays: 7, created: 3, updated: 1 });
    expect(
      report.recentActivity.lastChanges.map((c: { title: string; change: string }) => [c.title, c.change]),
    ).toEqual([
      ['started', 'updated'],
      ['finished', 'created'],
      ['fresh todo', 'created'],
      ['old and done', 'created'],
    ]);

    expect(publisher.published).toEqual([
      expect.objectContaining({
        kind: 'notes_report_finished',
        payload: { ownerId: owner.id, generatedAt: result.generatedAt },
      }),
    ]);
    const document = await runTask(syncReportAnalytics, db, publisher.published[0]!.payload);
    expect(document).toEqual({ ownerId: owner.id, generatedAt: result.generatedAt });
    expect(await readReportDocument(db, owner.id)).toEqual({
      schemaVersion: 1,
      ownerEmail: 'reporter@example.com',
      ...report,
    });
  });

  it('replaces the report and the document on the next run (one per owner)', async () => {
    await db.query(`update notes.tasks set status = 'done', updated_at = now() where owner_id = $1`, [
      owner.id,
    ]);
    const publisher = new FakePublisher();
    const result = await runTask(taskReport, db, { ownerId: owner.id }, { publisher });
    expect(result.completionRate).toBe(1);
    await runTask(syncReportAnalytics, db, publisher.published[0]!.payload);
    const counts = await db.query<{ reports: number; documents: number }>(
      `select (select count(*)::int from notes.task_reports where owner_id = $1) as reports,
              (select count(*)::int from analytics.task_reports where owner_id = $1) as documents`,
      [owner.id],
    );
    expect(counts.rows[0]).toEqual({ reports: 1, documents: 1 });
    expect(await readReportDocument(db, owner.id)).toMatchObject({
      done: 4,
      completionRate: 1,
      jobId: null,
      generatedAt: result.generatedAt,
    });
  });

  it('announces a retried report message under the same id, so the sink runs it once', async () => {
    const publisher = new FakePublisher();
    const messageId = crypto.randomUUID();
    await runTask(taskReport, db, { ownerId: owner.id }, { publisher, messageId });
    await runTask(taskReport, db, { ownerId: owner.id }, { publisher, messageId });
    await runTask(taskReport, db, { ownerId: owner.id }, { publisher });
    const ids = publisher.published.map((p) => p.messageId);
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('reports zeros for an owner without tasks', async () => {
    const empty = await insertUser(db, { email: 'empty@example.com' });
    const result = await runTask(taskReport, db, { ownerId: empty.id });
    expect(result).toMatchObject({ total: 0, completionRate: 0 });
  });

  it('the sink refuses (to retry) while the announced report is not committed', async () => {
    const later = await insertUser(db, { email: 'later@example.com' });
    await expect(runTask(syncReportAnalytics, db, { ownerId: later.id })).rejects.toBeInstanceOf(
      ReportNotReadyError,
    );
    const { generatedAt } = await runTask(taskReport, db, { ownerId: later.id });
    const future = new Date(Date.parse(generatedAt) + 60_000).toISOString();
    await expect(
      runTask(syncReportAnalytics, db, { ownerId: later.id, generatedAt: future }),
    ).rejects.toBeInstanceOf(ReportNotReadyError);
    expect(await readReportDocument(db, later.id)).toBeUndefined();
    await runTask(syncReportAnalytics, db, { ownerId: later.id, generatedAt });
    expect(await readReportDocument(db, later.id)).toMatchObject({ generatedAt });
  });
});

describe.each(stacks)('task report jobs on $name', (stack) => {
  const patience = { timeoutMs: 30_000 };
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function setup() {
    const test = await createTestPlatform(stack, {
      'functions/notes/task-report.ts': taskReport,
      'functions/notes/sync-report-analytics.ts': syncReportAnalytics,
    });
    const worker = await startWorker(test.platform);
    close = async () => {
      await worker.stop();
      await test.close();
    };
    const jobs = test.platform.httpCtx({ correlationId: 'notes-report-test', log: test.platform.log }).jobs;
    return { ...test, jobs };
  }

  it('runs a report job to its analytics document', async () => {
    const { db, jobs } = await setup();
    const owner = await insertUser(db, { email: 'worker@example.com' });
    await arrangeTasks(db, owner.id);
    const { jobId } = await jobs.trigger('notes_task_report', { ownerId: owner.id });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'succeeded', patience);
    const job = await jobs.get(jobId);
    expect(job?.result).toMatchObject({ ownerId: owner.id, total: 4, completionRate: 0.5 });
    const document = await waitFor(() => readReportDocument(db, owner.id), patience);
    expect(document).toMatchObject({
      ownerEmail: 'worker@example.com',
      total: 4,
      jobId,
      generatedAt: (job?.result as { generatedAt: string }).generatedAt,
    });
  });

  it('retries a failing report and dead-letters it after the last attempt, writing nothing', async () => {
    const { db, jobs, platform } = await setup();
    const missingOwner = crypto.randomUUID();
    const { jobId } = await jobs.trigger('notes_task_report', { ownerId: missingOwner });
    await waitFor(async () => (await jobs.get(jobId))?.status === 'dead', patience);
    expect(await jobs.get(jobId)).toMatchObject({
      attempts: 3,
      error: expect.stringContaining('No owner with id'),
    });
    const dead = await waitFor(async () => {
      const listed = await platform.driver.listDead('notes.task-report', 10);
      return listed.length > 0 && listed;
    }, patience);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.envelope).toMatchObject({ kind: 'notes_task_report', jobId });
    const { rows } = await db.query<{ n: number }>(
      'select (select count(*) from notes.task_reports) + (select count(*) from analytics.task_reports) as n',
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
