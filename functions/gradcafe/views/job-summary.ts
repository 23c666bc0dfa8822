import type { Job } from '../../../shared/contract/index.ts';

/** Human labels and one-line outcomes for the GradCafe jobs shown on the page. */
export const JOB_LABELS: Record<string, string> = {
  scrape_new_data: 'Pull data',
  recompute_analytics: 'Update analysis',
};

const ACTIVE = new Set<Job['status']>(['queued', 'running', 'retrying']);

export function isActive(job: Pick<Job, 'status'>): boolean {
  return ACTIVE.has(job.status);
}

function field(result: unknown, name: string): unknown {
  return typeof result === 'object' && result !== null
    ? (result as Record<string, unknown>)[name]
    : undefined;
}

function count(result: unknown, name: string): number {
  const value = field(result, name);
  return typeof value === 'number' ? value : 0;
}

/** What happened, in a few words: the result summary when it succeeded, the error when not. */
export function describeJob(job: Job): string {
  switch (job.status) {
    case 'queued':
      return 'Waiting for a worker';
    case 'running':
      return job.attempts > 1 ? `Running (attempt ${job.attempts})` : 'Running';
    case 'retrying':
      return `Will retry: ${truncate(job.error ?? 'failed')}`;
    case 'failed':
    case 'dead':
      return truncate(job.error ?? 'Failed');
    case 'cancelled':
      return 'Cancelled by an operator before it ran';
    case 'succeeded':
      return describeResult(job);
  }
}

function describeResult(job: Job): string {
  const { result } = job;
  if (job.kind === 'scrape_new_data') {
    if (count(result, 'fetched') === 0) return 'Nothing new';
    const skipped = count(result, 'skipped');
    return [
      `${count(result, 'inserted').toLocaleString('en-US')} new of ${count(result, 'fetched').toLocaleString('en-US')} fetched`,
      skipped > 0 ? `${skipped} skipped` : '',
      field(result, 'capped') === true ? 'more waiting' : '',
    ]
      .filter(Boolean)
      .join(', ');
  }
  if (job.kind === 'recompute_analytics') {
    const term = field(result, 'term');
    return `Analysed ${count(result, 'totalEntries').toLocaleString('en-US')} entries${typeof term === 'string' ? ` (${term})` : ''}`;
  }
  return 'Done';
}

function truncate(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const GRADCAFE_JOB_KINDS = Object.keys(JOB_LABELS);
