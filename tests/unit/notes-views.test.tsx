import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/contract/index.ts';
import type { TaskReport } from '../../functions/notes/lib/reports.ts';
import { ReportPanel } from '../../functions/notes/views/report-panel.tsx';
import { TaskItem } from '../../functions/notes/views/task-item.tsx';
import { TaskList } from '../../functions/notes/views/task-list.tsx';

/** The Notes fragments without a database: when the report panel polls, what an item carries. */

const ownerId = '00000000-0000-4000-8000-0000000000aa';
const job = (status: Job['status'], fields: Partial<Job> = {}): Job => ({
  id: '00000000-0000-4000-8000-0000000000j1',
  kind: 'notes_task_report',
  status,
  attempts: 1,
  payload: { ownerId },
  result: null,
  error: null,
  correlationId: 'c',
  triggeredBy: null,
  createdAt: '2026-03-14T09:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  updatedAt: '2026-03-14T09:00:00.000Z',
  ...fields,
});
const report: TaskReport = {
  ownerId,
  total: 3,
  todo: 1,
  inProgress: 0,
  done: 2,
  completionRate: 0.6667,
  recentActivity: { windowDays: 7, created: 3, updated: 1, lastChanges: [] },
  generatedAt: '2026-03-14T09:30:00.000Z',
  jobId: null,
};
const task = {
  id: '00000000-0000-4000-8000-0000000000t1',
  ownerId,
  title: 'Write "tests" & <ship>',
  description: 'line one\nline two',
  status: 'todo' as const,
  createdAt: '2026-03-14T09:00:00.000Z',
  updatedAt: '2026-03-14T09:00:00.000Z',
};

const render = (node: unknown) => String(node);

describe('ReportPanel', () => {
  it.each(['queued', 'running', 'retrying'] as const)(
    'polls itself every 2 s while the job is %s',
    (status) => {
      const text = render(<ReportPanel progress={{ job: job(status), report }} csrfToken="t" />);
      expect(text).toContain('hx-get="/notes/report-panel?job=00000000-0000-4000-8000-0000000000j1"');
      expect(text).toContain('hx-trigger="every 2s"');
      expect(text).toMatch(/<button[^>]*disabled/);
    },
  );

  it.each(['succeeded', 'dead', 'failed'] as const)('stops polling once the job is %s', (status) => {
    const text = render(<ReportPanel progress={{ job: job(status), report }} csrfToken="t" />);
    expect(text).not.toContain('hx-trigger');
    expect(text).not.toMatch(/<button[^>]*disabled/);
  });

  it('shows the finished report: counts, rate and when it was generated', () => {
    const text = render(<ReportPanel progress={{ job: job('succeeded'), report }} csrfToken="t" />);
    expect(text).toContain('66.7%');
    expect(text).toContain('2026-03-14 09:30 UTC');
    expect(text).toContain('3 created');
  });

  it("shows a dead job's error only while no newer report exists", () => {
    const dead = job('dead', { error: 'boom', createdAt: '2026-03-14T10:00:00.000Z' });
    expect(render(<ReportPanel progress={{ job: dead, report }} csrfToken="t" />)).toContain('boom');
    const older = job('dead', { error: 'boom', createdAt: '2026-03-14T08:00:00.000Z' });
    expect(render(<ReportPanel progress={{ job: older, report }} csrfToken="t" />)).not.toContain('boom');
  });

  it('invites to generate the first report', () => {
    const text = render(<ReportPanel progress={{ job: undefined, report: undefined }} csrfToken="t" />);
    expect(text).toContain('No report yet');
    expect(text).toContain('name="_csrf" value="t"');
  });
});

describe('TaskItem', () => {
  it('escapes the text and carries the CSRF token in each of its forms', () => {
    const text = render(<TaskItem task={task} csrfToken="tok" />);
    expect(text).toContain('Write &quot;tests&quot; &amp; &lt;ship&gt;');
    expect(text).not.toContain('<ship>');
    const forms = text.match(/<form[\s\S]*?<\/form>/g) ?? [];
    expect(forms).toHaveLength(2); // toggle, delete
    for (const form of forms) expect(form).toContain('name="_csrf" value="tok"');
    expect(text).toContain(`hx-target="#task-${task.id}"`);
  });
});

describe('TaskList', () => {
  it('links to the neighbouring pages, keeping the filter', () => {
    const page = { items: [task], total: 25, limit: 10, offset: 10 };
    const text = render(<TaskList page={page} filter="todo" csrfToken="t" />);
    expect(text).toContain('href="/notes/?status=todo"'); // newer: page 1
    expect(text).toContain('href="/notes/?status=todo&amp;page=3"');
    expect(text).toContain('Page 2 of 3');
  });
});
