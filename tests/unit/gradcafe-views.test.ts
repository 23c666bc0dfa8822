import { beforeEach, describe, expect, it } from 'vitest';
import jobsPanel from '../../functions/gradcafe/jobs-panel.tsx';
import type { AnalysisSnapshot } from '../../functions/gradcafe/lib/analysis-snapshots.ts';
import { AnalysisPage } from '../../functions/gradcafe/views/analysis-page.tsx';
import { describeJob } from '../../functions/gradcafe/views/job-summary.ts';
import type { Job } from '../../shared/contract/index.ts';
import { createFakeHttpApp, FAKE_USERS } from '../helpers/fake-ctx.ts';

const snapshot: AnalysisSnapshot = {
  id: 3,
  computedAt: '2026-03-14T09:30:00.000Z',
  jobId: null,
  isDefault: true,
  params: {
    term: 'Fall 2026',
    university: 'Johns Hopkins University',
    program: 'Computer Science',
    degree: 'Masters',
  },
  results: {
    totalEntries: 6012,
    entriesPerTerm: [
      { term: 'Fall 2026', entries: 340 },
      { term: 'Fall 2025', entries: 727 },
    ],
    percentInternational: 43.4,
    averages: {
      gpa: 3.63,
      gre: 162.4,
      greV: 156.1,
      greAw: null,
      reported: { gpa: 4300, gre: 2000, greV: 2100, greAw: 0 },
    },
    term: {
      term: 'Fall 2026',
      entries: 340,
      acceptanceRate: 37.5,
      avgGpaAmerican: 3.61,
      avgGpaAccepted: 3.72,
    },
    program: {
      university: 'Johns Hopkins University',
      program: 'Computer Science',
      degree: 'Masters',
      entries: 23,
    },
  },
};

const noNames = { universities: [], programs: [] };
const render = async (props: Omit<Parameters<typeof AnalysisPage>[0], 'names'>) =>
  String(await AnalysisPage({ names: noNames, ...props })!.toString());

describe('AnalysisPage', () => {
  const admin = { user: FAKE_USERS.admin, csrfToken: 'csrf-of-the-admin' };
  const anonymous = { user: undefined, csrfToken: undefined };

  it('shows the figures, when they were computed, both buttons and flash messages', async () => {
    const page = await render({
      snapshot,
      jobs: [],
      flash: [{ type: 'success', message: 'Pull queued <now>' }],
      viewer: admin,
    });
    expect(page).toContain('2026-03-14 09:30 UTC');
    expect(page).toContain('6,012');
    expect(page).toContain('43.40%');
    expect(page).toContain('37.50%');
    expect(page).toContain('3.72');
    expect(page).toContain('Johns Hopkins University, Masters in Computer Science');
    expect(page).toMatch(/<form method="post" action="\/gradcafe\/pull-data">/);
    expect(page).toMatch(/<form method="post" action="\/gradcafe\/update-analysis">/);
    expect(page).toContain('Pull queued &lt;now&gt;');
    // Every form carries the session's CSRF token, and htmx sends it as a header.
    expect(page.match(/name="_csrf" value="csrf-of-the-admin"/g)?.length).toBe(4);
    expect(page).toContain('hx-headers="{&quot;x-csrf-token&quot;:&quot;csrf-of-the-admin&quot;}"');
    expect(page).toContain('src="/static/htmx.min.js"');
    expect(page).not.toContain('hx-trigger');
  });

  it('polls the page while an asked question is computed, and says why one has no answers', async () => {
    const job = (status: Job['status'], error: string | null = null): Job => ({
      id: '6f1c2a40-0000-4000-8000-000000000001',
      kind: 'recompute_analytics',
      status,
      attempts: 1,
      payload: {},
      result: null,
      error,
      correlationId: 'c',
      triggeredBy: null,
      createdAt: '2026-03-14T09:30:00.000Z',
      startedAt: null,
      finishedAt: null,
      updatedAt: '2026-03-14T09:30:00.000Z',
    });
    const question = (j: Job) => ({ jobId: j.id, job: j, snapshot: null });

    const pending = await render({
      snapshot,
      question: question(job('running')),
      jobs: [],
      flash: [],
      viewer: admin,
    });
    expect(pending).toContain('Being computed (running)');
    expect(pending).toContain('hx-get="/gradcafe/?job=6f1c2a40-0000-4000-8000-000000000001"');
    expect(pending).toContain('Entries for Fall 2026'); // the standard view meanwhile

    const dead = await render({
      snapshot,
      question: question(job('dead', 'boom')),
      jobs: [],
      flash: [],
      viewer: admin,
    });
    expect(dead).toContain('It could not be answered: boom');
    expect(dead).not.toContain('hx-trigger');
  });

  it('draws the acceptance rate per term and the GPA and GRE spreads, but not for an older snapshot', async () => {
    const charted: AnalysisSnapshot = {
      ...snapshot,
      results: {
        ...snapshot.results,
        entriesPerTerm: [
          { term: 'Fall 2026', entries: 340, acceptanceRate: 37.5 },
          { term: 'Fall 2025', entries: 727, acceptanceRate: 41.25 },
        ],
        distributions: {
          gpa: [
            { label: 'under 3.50', count: 12 },
            { label: '3.50–4.00', count: 30 },
          ],
          gre: [{ label: '165–170', count: 7 }],
        },
      },
    };
    const page = await render({ snapshot: charted, jobs: [], flash: [], viewer: anonymous });
    expect(page).toContain('Acceptance rate by term');
    expect(page).toContain('41.25%');
    expect(page).toMatch(/<h2 id="gpa-title">GPA<\/h2><svg class="bar-chart"/);
    expect(page).toContain('3.50–4.00');
    expect(page).toMatch(/<h2 id="gre-title">GRE Quant<\/h2><svg class="bar-chart"/);
    // A snapshot computed before these figures were kept shows the rest, without empty charts.
    const older = await render({ snapshot, jobs: [], flash: [], viewer: anonymous });
    expect(older).not.toContain('Acceptance rate by term');
    expect(older).not.toContain('gpa-title');
  });

  it('suggests the names present in the question form', async () => {
    const names = { universities: ['Stanford University', 'MIT'], programs: ['Economics'] };
    const page = String(
      await AnalysisPage({ snapshot, names, jobs: [], flash: [], viewer: admin })!.toString(),
    );
    expect(page).toContain('list="known-universities"');
    expect(page).toMatch(
      /<datalist id="known-universities"><option value="Stanford University"><\/option><option value="MIT">/,
    );
    expect(page).toContain('<datalist id="known-programs"><option value="Economics">');
  });

  it('says so when nothing has been computed yet', async () => {
    const page = await render({ snapshot: null, jobs: [], flash: [], viewer: anonymous });
    expect(page).toContain('No analysis yet');
  });

  it('offers the job forms to admins only; a visitor gets a sign-in link, a user a way to switch', async () => {
    const asVisitor = await render({
      snapshot,
      jobs: [],
      flash: [],
      viewer: { ...anonymous, path: '/gradcafe/?job=x' },
    });
    expect(asVisitor).not.toContain('action="/gradcafe/pull-data"');
    expect(asVisitor).toContain('href="/auth/login?next=%2Fgradcafe%2F%3Fjob%3Dx">Sign in as an admin');

    const user = { user: FAKE_USERS.user, csrfToken: 'csrf-of-a-user', path: '/gradcafe/' };
    const asUser = await render({ snapshot, jobs: [], flash: [], viewer: user });
    expect(asUser).not.toContain('action="/gradcafe/pull-data"');
    expect(asUser).not.toContain('action="/gradcafe/update-analysis"');
    expect(asUser).toContain(
      'Only an admin can pull data or update the analysis; you are signed in as user@example.com.',
    );
    // Signing in while signed in would come straight back: the offer signs out first, then returns here.
    const switchForm = asUser
      .match(/<form[^>]*action="\/auth\/logout"[\s\S]*?<\/form>/g)!
      .find((f) => f.includes('Sign in as an admin'));
    expect(switchForm).toContain('name="next" value="/gradcafe/"');
    expect(switchForm).toContain('name="_csrf" value="csrf-of-a-user"');
  });
});

describe('GET /gradcafe/jobs-panel', () => {
  let t: Awaited<ReturnType<typeof createFakeHttpApp>>;
  beforeEach(async () => {
    t = await createFakeHttpApp({ 'functions/gradcafe/jobs-panel.tsx': jobsPanel });
  });

  it('keeps polling while a job is active', async () => {
    t.jobs.add({ kind: 'scrape_new_data', status: 'running', attempts: 1 });
    const res = await t.app.request('/gradcafe/jobs-panel', { headers: { 'hx-request': 'true' } });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).not.toMatch(/^<!doctype/i);
    expect(body).toContain('hx-trigger="every 2s"');
    expect(body).toContain('Pull data');
    expect(res.headers.get('hx-refresh')).toBeNull();
  });

  it('stops polling and reloads the page once the watched job finished', async () => {
    t.jobs.add({
      kind: 'recompute_analytics',
      status: 'succeeded',
      result: { totalEntries: 12, term: 'Fall 2025' },
    });
    t.jobs.add({ kind: 'other_app_job', status: 'running' });
    const res = await t.app.request('/gradcafe/jobs-panel', { headers: { 'hx-request': 'true' } });
    const body = await res.text();
    expect(body).not.toContain('hx-trigger');
    expect(body).not.toContain('other_app_job');
    expect(body).toContain('Analysed 12 entries (Fall 2025)');
    expect(res.headers.get('hx-refresh')).toBe('true');
  });
});

describe('describeJob', () => {
  const base = {
    id: 'j',
    attempts: 1,
    payload: {},
    result: null,
    error: null,
    correlationId: 'c',
    triggeredBy: null,
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    updatedAt: '',
  };
  it('summarizes a pull and a failure', () => {
    expect(
      describeJob({
        ...base,
        kind: 'scrape_new_data',
        status: 'succeeded',
        result: { fetched: 1200, inserted: 1100, skipped: 2, capped: true },
      }),
    ).toBe('1,100 new of 1,200 fetched, 2 skipped, more waiting');
    expect(
      describeJob({ ...base, kind: 'scrape_new_data', status: 'dead', error: 'GradCafe feed answered 503' }),
    ).toBe('GradCafe feed answered 503');
  });
});
