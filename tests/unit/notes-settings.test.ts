import { describe, expect, it } from 'vitest';
import { reportRetryPolicy } from '../../functions/notes/lib/settings.ts';

describe('reportRetryPolicy (NOTES_REPORT_MAX_ATTEMPTS, NOTES_REPORT_RETRY_BASE_MS)', () => {
  it('defaults to 5 attempts from 1 s, doubling up to a minute', () => {
    expect(reportRetryPolicy({ env: {} })).toEqual({ attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 });
  });

  it('treats empty values as unset, like the platform config', () => {
    expect(
      reportRetryPolicy({ env: { NOTES_REPORT_MAX_ATTEMPTS: '', NOTES_REPORT_RETRY_BASE_MS: '' } }),
    ).toEqual(reportRetryPolicy({ env: {} }));
  });

  it('reads both variables', () => {
    expect(
      reportRetryPolicy({ env: { NOTES_REPORT_MAX_ATTEMPTS: '2', NOTES_REPORT_RETRY_BASE_MS: '250' } }),
    ).toEqual({ attempts: 2, baseDelayMs: 250, maxDelayMs: 60_000 });
  });

  it('reads process.env by default, as the task does when its module loads', () => {
    process.env.NOTES_REPORT_MAX_ATTEMPTS = '7';
    try {
      expect(reportRetryPolicy().attempts).toBe(7);
    } finally {
      delete process.env.NOTES_REPORT_MAX_ATTEMPTS;
    }
    expect(reportRetryPolicy().attempts).toBe(5);
  });

  it.each([
    { NOTES_REPORT_MAX_ATTEMPTS: '0' },
    { NOTES_REPORT_MAX_ATTEMPTS: 'five' },
    { NOTES_REPORT_MAX_ATTEMPTS: '2.5' },
    { NOTES_REPORT_RETRY_BASE_MS: '-1' },
  ])('refuses %j at start rather than guessing', (env) => {
    expect(() => reportRetryPolicy({ env })).toThrow(/^Invalid notes configuration: NOTES_REPORT_/);
  });
});
