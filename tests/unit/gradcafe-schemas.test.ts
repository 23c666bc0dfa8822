import { describe, expect, it } from 'vitest';
import { applicantsQuerySchema } from '../../functions/gradcafe/lib/applicants-query.ts';
import { MAX_PAGE_LIMIT, MAX_PAGE_OFFSET } from '../../shared/contract/pagination.ts';
import { analysisParamsSchema } from '../../functions/gradcafe/lib/schemas.ts';

describe('applicants query schema', () => {
  it('defaults to the first page of 20', () => {
    expect(applicantsQuerySchema.parse({})).toEqual({ limit: 20, offset: 0 });
  });

  it('reads query-string numbers and filters', () => {
    expect(
      applicantsQuerySchema.parse({
        offset: '100',
        limit: '50',
        term: 'Fall 2025',
        status: 'Wait listed',
        degree: 'PhD',
      }),
    ).toEqual({ limit: 50, offset: 100, term: 'Fall 2025', status: 'Wait listed', degree: 'PhD' });
  });

  it('treats blank filters as absent', () => {
    expect(applicantsQuerySchema.parse({ term: '', status: ' ' })).toEqual({ limit: 20, offset: 0 });
  });

  it.each([
    ['a negative offset', { offset: '-1' }],
    ['an offset past the cap', { offset: String(MAX_PAGE_OFFSET + 1) }],
    ['a fractional offset', { offset: '1.5' }],
    ['a non-numeric offset', { offset: 'abc' }],
    ['limit 0', { limit: '0' }],
    ['a limit over the cap', { limit: String(MAX_PAGE_LIMIT + 1) }],
  ])('rejects %s', (_, query) => {
    expect(applicantsQuerySchema.safeParse(query).success).toBe(false);
  });

  it.each([
    ['term', "Fall 2025' or 1=1 --"],
    ['term', 'Fall 2025; drop table gradcafe.applicants'],
    ['term', 'Fall'],
    ['term', 'x'.repeat(500)],
    ['status', 'Accepted OR 1=1'],
    ['status', 'accepted'],
    ['degree', "PhD'--"],
    ['degree', 'Bachelors'],
  ])('rejects the %s filter %j', (field, value) => {
    const result = applicantsQuerySchema.safeParse({ [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('analysis params schema', () => {
  it('accepts real names and leaves blanks out', () => {
    expect(
      analysisParamsSchema.parse({
        term: 'Spring 2026',
        university: "St. John's College (Annapolis)",
        program: 'Computer Science',
        degree: '',
      }),
    ).toEqual({
      term: 'Spring 2026',
      university: "St. John's College (Annapolis)",
      program: 'Computer Science',
    });
  });

  it.each([
    { university: 'Johns Hopkins"; delete from gradcafe.applicants; --' },
    { program: '<script>alert(1)</script>' },
    { university: 'x'.repeat(121) },
    { degree: 'Masters; --' },
    { term: 'Fall 20255' },
  ])('rejects %j', (input) => {
    expect(analysisParamsSchema.safeParse(input).success).toBe(false);
  });
});
