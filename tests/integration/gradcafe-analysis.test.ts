import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import apiAnalysis from '../../functions/gradcafe/api-analysis.ts';
import { computeAnalysis } from '../../functions/gradcafe/lib/analysis.ts';
import { latestSnapshot, snapshotOfJob } from '../../functions/gradcafe/lib/analysis-snapshots.ts';
import { insertApplicants } from '../../functions/gradcafe/lib/applicants-store.ts';
import type { Applicant } from '../../functions/gradcafe/lib/model.ts';
import page from '../../functions/gradcafe/page.tsx';
import recomputeTask from '../../functions/gradcafe/recompute-analytics.ts';
import type { HttpCtx, HttpRequest, TaskCtx } from '../../shared/contract/index.ts';
import type { Db, Tx } from '../../shared/db/port.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { createFakeCtx, fakeRequest, fakeTaskAuth } from '../helpers/fake-ctx.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const log = pino({ level: 'silent' });
const JHU = 'Johns Hopkins University';
const CS = 'Computer Science';

/** A hand-made dataset small enough to compute every figure by hand (see the expectations). */
function applicant(id: number, fields: Partial<Applicant>): Applicant {
  return {
    id,
    url: `https://www.thegradcafe.com/survey/result/${id}`,
    program: CS,
    university: JHU,
    degree: 'Masters',
    term: null,
    status: null,
    decisionDate: null,
    dateAdded: null,
    citizenship: null,
    gpa: null,
    gre: null,
    greV: null,
    greAw: null,
    comments: null,
    ...fields,
  };
}

const DATASET: Applicant[] = [
  applicant(1, {
    term: 'Fall 2025',
    status: 'Accepted',
    citizenship: 'American',
    gpa: 3.8,
    gre: 165,
    greV: 160,
    greAw: 4.5,
  }),
  applicant(2, {
    term: 'Fall 2025',
    status: 'Rejected',
    citizenship: 'International',
    gpa: 3.4,
    gre: 160,
    greV: 150,
    greAw: 4,
  }),
  applicant(3, {
    term: 'Fall 2025',
    status: 'Accepted',
    citizenship: 'International',
    gpa: 3.9,
    university: 'MIT',
    degree: 'PhD',
  }),
  applicant(4, {
    term: 'Fall 2025',
    status: 'Wait listed',
    citizenship: 'American',
    gpa: 3.6,
    gre: 170,
    greV: 165,
    greAw: 5,
    degree: 'PhD',
  }),
  applicant(5, { term: 'Spring 2026', status: 'Accepted', citizenship: 'American' }),
  applicant(6, {
    term: 'Fall 2024',
    status: 'Rejected',
    citizenship: 'Other',
    gpa: 3,
    gre: 150,
    greV: 155,
    greAw: 3.5,
    university: 'Stanford University',
    program: 'Economics',
  }),
  applicant(7, { term: 'Fall 2024', status: 'Accepted', citizenship: 'International', gpa: 4 }),
  applicant(8, { status: 'Interview' }),
];

function taskCtx(tx: Tx, jobId: string): TaskCtx {
  const base = createFakeCtx().makeCtx({ correlationId: 'test', log });
  const message = {
    id: crypto.randomUUID(),
    kind: 'recompute_analytics',
    attempt: 1,
    maxAttempts: 5,
    correlationId: 'test',
    jobId,
  };
  return {
    queue: base.queue,
    jobs: base.jobs,
    log,
    config: base.config,
    metrics: base.metrics,
    cache: base.cache,
    db: tx,
    message,
    auth: fakeTaskAuth,
  };
}

function httpCtx(db: Db): HttpCtx {
  return { ...createFakeCtx().makeCtx({ correlationId: 'test', log }), db };
}

function request(query: { job?: string } = {}): HttpRequest<undefined, { job?: string }, undefined> {
  return fakeRequest({ url: 'http://test/gradcafe/', wantsHtml: true, correlationId: 'test', query });
}

describe.each(dbBackends)('recompute_analytics on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
  }, 60_000);
  afterAll(async () => {
    await drop?.();
  });
  beforeEach(async () => {
    await db.query('truncate gradcafe.applicants, gradcafe.analysis_snapshots');
  });

  const recompute = (payload: unknown, jobId = crypto.randomUUID()) =>
    db.transaction((tx) => recomputeTask.handler(recomputeTask.payload.parse(payload), taskCtx(tx, jobId)));

  it('computes every figure exactly, for the latest term by default, and stores a snapshot', async () => {
    await db.transaction((tx) => insertApplicants(tx, DATASET));
    const jobId = crypto.randomUUID();

    const result = await recompute({}, jobId);

    expect(result).toEqual({
      snapshotId: expect.any(Number),
      computedAt: expect.any(String),
      term: 'Spring 2026',
      totalEntries: 8,
    });
    const snapshot = await latestSnapshot(db);
    expect(snapshot).toMatchObject({
      id: result.snapshotId,
      computedAt: result.computedAt,
      jobId,
      isDefault: true,
    });
    expect(Date.now() - Date.parse(snapshot!.computedAt)).toBeLessThan(60_000);
    expect(snapshot!.params).toEqual({
      term: 'Spring 2026',
      university: JHU,
      program: CS,
      degree: 'Masters',
    });
    expect(snapshot!.results).toEqual({
      totalEntries: 8,
      entriesPerTerm: [
        { term: 'Spring 2026', entries: 1, acceptanceRate: 100 },
        { term: 'Fall 2025', entries: 4, acceptanceRate: 50 }, // ids 1 and 3 of 1-4
        { term: 'Fall 2024', entries: 2, acceptanceRate: 50 },
      ],
      distributions: {
        // 3.0, 3.4, 3.6, then 3.8, 3.9 and 4.0 in the top range.
        gpa: [
          { label: 'under 2.75', count: 0 },
          { label: '2.75–2.99', count: 0 },
          { label: '3.00–3.24', count: 1 },
          { label: '3.25–3.49', count: 1 },
          { label: '3.50–3.74', count: 1 },
          { label: '3.75–4.00', count: 3 },
        ],
        // 150, 160, then 165 and 170 in the top range.
        gre: [
          { label: 'under 145', count: 0 },
          { label: '145–149', count: 0 },
          { label: '150–154', count: 1 },
          { label: '155–159', count: 0 },
          { label: '160–164', count: 1 },
          { label: '165–170', count: 2 },
        ],
      },
      percentInternational: 37.5, // 3 of 8
      averages: {
        gpa: 3.62, // 21.7 / 6
        gre: 161.25, // 645 / 4
        greV: 157.5, // 630 / 4
        greAw: 4.25, // 17 / 4
        reported: { gpa: 6, gre: 4, greV: 4, greAw: 4 },
      },
      term: {
        term: 'Spring 2026',
        entries: 1,
        acceptanceRate: 100,
        avgGpaAmerican: null,
        avgGpaAccepted: null,
      },
      program: { university: JHU, program: CS, degree: 'Masters', entries: 5 }, // ids 1, 2, 5, 7, 8
    });
  });

  it('answers the per-term and per-program questions for the given parameters', async () => {
    await db.transaction((tx) => insertApplicants(tx, DATASET));
    const jobId = crypto.randomUUID();

    await recompute(
      {
        term: 'Fall 2025',
        university: 'johns hopkins university',
        program: 'computer science',
        degree: 'PhD',
      },
      jobId,
    );

    const { params, results, isDefault } = (await snapshotOfJob(db, jobId))!;
    expect(isDefault).toBe(false);
    expect(params).toEqual({
      term: 'Fall 2025',
      university: 'johns hopkins university',
      program: 'computer science',
      degree: 'PhD',
    });
    expect(results.term).toEqual({
      term: 'Fall 2025',
      entries: 4,
      acceptanceRate: 50, // ids 1 and 3 of 1–4
      avgGpaAmerican: 3.7, // ids 1 and 4
      avgGpaAccepted: 3.85, // ids 1 and 3
    });
    expect(results.program.entries).toBe(1); // id 4 (id 3 is at MIT)
  });

  it('has nulls, not errors, when there is no data', async () => {
    const { params, results } = await computeAnalysis(db);
    expect(params.term).toBeNull();
    expect(results).toMatchObject({
      totalEntries: 0,
      entriesPerTerm: [],
      percentInternational: null,
      averages: { gpa: null, gre: null, greV: null, greAw: null },
      term: { term: null, entries: 0, acceptanceRate: null },
    });
  });

  it('serves the snapshot a job computed at /api/analysis?job= and on the page', async () => {
    await expect(apiAnalysis.handler(request(), httpCtx(db))).rejects.toBeInstanceOf(NotFoundError);
    await db.transaction((tx) => insertApplicants(tx, DATASET));
    const jobId = crypto.randomUUID();
    await recompute({ term: 'Fall 2025' }, jobId);

    const res = await apiAnalysis.handler(request({ job: jobId }), httpCtx(db));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      computedAt: string;
      params: { term: string };
      results: { totalEntries: number };
    };
    expect(body.params.term).toBe('Fall 2025');
    expect(body.results.totalEntries).toBe(8);

    const pageRes = await page.handler(request({ job: jobId }), httpCtx(db));
    const text = await pageRes.text();
    expect(pageRes.status).toBe(200);
    expect(text).toMatch(/^<!doctype html>/i);
    expect(text).toContain('Entries for Fall 2025');
    expect(text).toContain('50.00%');
    expect(text).toContain('3.85');
    expect(text).toContain(new Date(body.computedAt).toISOString().slice(0, 16).replace('T', ' '));
  });

  it('keeps the standard view for everyone and shows an asked question at its own link', async () => {
    await db.transaction((tx) => insertApplicants(tx, DATASET));
    const standardJob = crypto.randomUUID();
    await recompute({}, standardJob);
    // A form sends every field; asking the standard question that way still counts as standard.
    const sameAsStandard = crypto.randomUUID();
    await recompute({ term: 'Spring 2026', university: JHU, program: CS, degree: 'Masters' }, sameAsStandard);
    const asked = crypto.randomUUID();
    await recompute({ term: 'Fall 2024', university: 'Unknown College', degree: 'PhD' }, asked);

    // Everyone: the latest standard answers, not the question asked after them.
    expect(await latestSnapshot(db)).toMatchObject({ jobId: sameAsStandard, isDefault: true });
    const standard = (await (await apiAnalysis.handler(request(), httpCtx(db))).json()) as { jobId: string };
    expect(standard.jobId).toBe(sameAsStandard);
    const standardPage = await (await page.handler(request(), httpCtx(db))).text();
    expect(standardPage).toContain('Entries for Spring 2026');
    expect(standardPage).not.toContain('Answers to a question');

    // The asker: the question's answers, said to be theirs, with a hint for a name nobody used.
    const byJob = (await (await apiAnalysis.handler(request({ job: asked }), httpCtx(db))).json()) as {
      params: { term: string };
      isDefault: boolean;
    };
    expect(byJob).toMatchObject({ params: { term: 'Fall 2024' }, isDefault: false });
    const askedPage = await (await page.handler(request({ job: asked }), httpCtx(db))).text();
    expect(askedPage).toContain('Answers to a question: Fall 2024; Unknown College, PhD in Computer Science');
    expect(askedPage).toContain('Entries for Fall 2024');
    expect(askedPage).toContain('everyone else sees the standard view');
    expect(askedPage).toContain('No entry matches this university');

    // A job that computed nothing: a 404 for the API, a notice over the standard view for the page.
    const unknown = crypto.randomUUID();
    await expect(apiAnalysis.handler(request({ job: unknown }), httpCtx(db))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const unknownPage = await (await page.handler(request({ job: unknown }), httpCtx(db))).text();
    expect(unknownPage).toContain('There is no analysis job with this id');
    expect(unknownPage).toContain('Entries for Spring 2026');
  });
});
