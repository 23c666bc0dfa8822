import { describe, expect, it } from 'vitest';
import {
  applicantsQuerySchema,
  MAX_PAGE,
  MAX_PAGE_SIZE,
} from '../../functions/gradcafe/lib/applicants-query.ts';
import { analysisParamsSchema } from '../../functions/gradcafe/lib/schemas.ts';

describe('applicants query schema', () => {
  it('defaults to the first page of 20', () => {
    expect(applicantsQuerySchema.parse({})).toEqual({ page: 1, pageSize: 20 });
  });

  it('reads query-string numbers and filters', () => {
    expect(
      applicantsQuerySchema.parse({
        page: '3',
        pageSize: '50',
        term: 'Fall 2025',
        status: 'Wait listed',
        degree: 'PhD',
      }),
    ).toEqual({ page: 3, pageSize: 50, term: 'Fall 2025', status: 'Wait listed', degree: 'PhD' });
  });

  it('treats blank filters as absent', () => {
    expect(applicantsQuerySchema.parse({ term: '', status: ' ' })).toEqual({ page: 1, pageSize: 20 });
  });

  it.each([
    ['page 0', { page: '0' }],
    ['negative page', { page: '-1' }],
    ['page past the cap', { page: String(MAX_PAGE + 1) }],
    ['fractional page', { page: '1.5' }],
    ['non-numeric page', { page: 'abc' }],
    ['pageSize 0', { pageSize: '0' }],
    ['pageSize over the cap', { pageSize: String(MAX_PAGE_SIZE + 1) }],
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
