import { describe, expect, it } from 'vitest';
import { BUNDLED_FIRST_ID, entryFor } from '../../functions/gradcafe/lib/entry-generator.ts';
import { CITIZENSHIPS, DEGREES, STATUSES } from '../../functions/gradcafe/lib/model.ts';
import {
  cleanComments,
  entryIdFromUrl,
  normalizeEntries,
  normalizeEntry,
  parseDateAdded,
  parseGpa,
  parseGreAw,
  parseStatus,
} from '../../functions/gradcafe/lib/normalize.ts';
import { parseTerm } from '../../functions/gradcafe/lib/terms.ts';

const url = (id: number) => `https://www.thegradcafe.com/survey/result/${id}`;

describe('normalizeEntry', () => {
  it('turns a messy raw entry into canonical fields', () => {
    const result = normalizeEntry({
      url: 'https://thegradcafe.com/survey/result/123456/',
      school: '  johns  hopkins ',
      program: 'CS',
      Degree: 'M.S.',
      term: 'F25',
      status: 'Accepted on 14 Mar',
      date_added: 'Added on March 31, 2025',
      'US/International': 'Intl',
      GPA: 'GPA 3.85',
      GRE: 'GRE 165',
      'GRE V': 'GRE V 158',
      'GRE AW': 'GRE AW 4.50',
      comments: '  Funding &amp; a TA\n\n  for year one. ',
    });
    expect(result).toEqual({
      ok: true,
      applicant: {
        id: 123456,
        url: url(123456),
        university: 'Johns Hopkins University',
        program: 'Computer Science',
        degree: 'Masters',
        term: 'Fall 2025',
        status: 'Accepted',
        decisionDate: '2025-03-14',
        dateAdded: '2025-03-31',
        citizenship: 'International',
        gpa: 3.85,
        gre: 165,
        greV: 158,
        greAw: 4.5,
        comments: 'Funding & a TA for year one.',
      },
    });
  });

  it('makes bad or missing fields null instead of throwing', () => {
    const result = normalizeEntry({
      url: url(7),
      school: 42,
      program: '',
      Degree: 'Bachelor of Arts',
      term: 'sometime soon',
      status: 'Pending',
      date_added: 'yesterday',
      'US/International': 'Martian',
      GPA: 'GPA 87.5',
      GRE: 'GRE 325',
      'GRE V': 'GRE V 0',
      'GRE AW': 'GRE AW 4.25',
      comments: ['not', 'text'],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.applicant).toMatchObject({
      id: 7,
      university: '42',
      program: null,
      degree: null,
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
    });
  });

  it('keeps an unknown school or program, tidied', () => {
    const result = normalizeEntry({
      url: url(8),
      school: ' Tiny   College ',
      program: 'Underwater Basketry',
    });
    expect(result.ok && result.applicant).toMatchObject({
      university: 'Tiny College',
      program: 'Underwater Basketry',
    });
  });

  it.each([
    [''],
    ['n/a'],
    ['https://www.thegradcafe.com/survey/result/'],
    ['https://example.com/survey/result/5'],
    [null],
    [5],
  ])('skips an entry whose url is unusable (%s)', (bad) => {
    expect(normalizeEntry({ url: bad, GPA: 'GPA 3.5' })).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('skips entries that are not objects', () => {
    expect(normalizeEntry(null).ok).toBe(false);
    expect(normalizeEntry([url(1)]).ok).toBe(false);
    expect(normalizeEntry('entry').ok).toBe(false);
  });
});

describe('normalizeEntries', () => {
  it('counts skipped entries and drops repeats within a batch', () => {
    const batch = normalizeEntries([
      { url: url(1) },
      { url: 'nope' },
      { url: url(2) },
      { url: `${url(1)}/` },
      17,
    ]);
    expect(batch.applicants.map((a) => a.id)).toEqual([1, 2]);
    expect(batch.skipped).toBe(3);
  });

  it('only produces values the table constraints accept, over thousands of generated entries', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => BUNDLED_FIRST_ID + i * 3);
    const { applicants } = normalizeEntries(ids.map(entryFor));
    expect(applicants.length).toBeGreaterThan(2980);
    for (const a of applicants) {
      if (a.gpa !== null) expect(a.gpa > 0 && a.gpa <= 4).toBe(true);
      for (const score of [a.gre, a.greV])
        if (score !== null) expect(score >= 130 && score <= 170).toBe(true);
      if (a.greAw !== null) expect(a.greAw >= 0 && a.greAw <= 6 && Number.isInteger(a.greAw * 2)).toBe(true);
      if (a.status !== null) expect(STATUSES).toContain(a.status);
      if (a.degree !== null) expect(DEGREES).toContain(a.degree);
      if (a.citizenship !== null) expect(CITIZENSHIPS).toContain(a.citizenship);
      if (a.term !== null) expect(a.term).toMatch(/^(Spring|Summer|Fall) \d{4}$/);
    }
    // The generator's messiness is mostly recoverable: most entries keep their key fields.
    const share = (pick: (a: (typeof applicants)[number]) => unknown) =>
      applicants.filter((a) => pick(a) !== null).length / applicants.length;
    expect(share((a) => a.term)).toBeGreaterThan(0.97);
    expect(share((a) => a.status)).toBeGreaterThan(0.99);
    expect(share((a) => a.decisionDate)).toBeGreaterThan(0.9);
    expect(new Set(applicants.map((a) => a.university)).size).toBeLessThan(45);
  });
});

describe('field parsers', () => {
  it('reads entry ids from result urls', () => {
    expect(entryIdFromUrl('http://www.thegradcafe.com/survey/result/99?ref=x')).toBe(99);
    expect(entryIdFromUrl('https://www.thegradcafe.com/survey/result/0')).toBeNull();
    expect(entryIdFromUrl('https://www.thegradcafe.com/survey/result/12abc')).toBeNull();
  });

  it('reads terms in the spellings applicants use', () => {
    expect(parseTerm('Fall 2025')).toBe('Fall 2025');
    expect(parseTerm(' fall  2025 ')).toBe('Fall 2025');
    expect(parseTerm('S26')).toBe('Spring 2026');
    expect(parseTerm("Fall '24")).toBe('Fall 2024');
    expect(parseTerm('Autumn 2023')).toBe('Fall 2023');
    expect(parseTerm('Winter 2025')).toBeNull();
    expect(parseTerm('Fall 3025')).toBeNull();
    expect(parseTerm(2025)).toBeNull();
  });

  it('dates a decision without a year on or before the day it was posted', () => {
    expect(parseStatus('Accepted on 14 Mar', '2025-03-31')).toEqual({
      status: 'Accepted',
      decisionDate: '2025-03-14',
    });
    // Posted on 2 January about a decision on 28 December: last year.
    expect(parseStatus('Rejected on 28 Dec', '2026-01-02')).toEqual({
      status: 'Rejected',
      decisionDate: '2025-12-28',
    });
    expect(parseStatus('Wait listed on 5 Apr', null)).toEqual({ status: 'Wait listed', decisionDate: null });
  });

  it('reads the old "via E-mail ... with year" status form and odd spellings', () => {
    expect(parseStatus('Rejected via E-mail on 3 Feb 2020', '2020-02-05')).toEqual({
      status: 'Rejected',
      decisionDate: '2020-02-03',
    });
    expect(parseStatus(' interview on 12 feb ', '2024-02-20')).toEqual({
      status: 'Interview',
      decisionDate: '2024-02-12',
    });
    expect(parseStatus('Waitlisted', '2024-02-20')).toEqual({ status: 'Wait listed', decisionDate: null });
    expect(parseStatus('Other', '2024-02-20')).toEqual({ status: 'Other', decisionDate: null });
  });

  it('keeps the status but drops an impossible decision date', () => {
    expect(parseStatus('Accepted on 31 Feb', '2025-03-10')).toEqual({
      status: 'Accepted',
      decisionDate: null,
    });
  });

  it('reads added dates', () => {
    expect(parseDateAdded('Added on February 3, 2026')).toBe('2026-02-03');
    expect(parseDateAdded('Sept. 9, 2024')).toBe('2024-09-09');
    expect(parseDateAdded('2024-09-09')).toBe('2024-09-09');
    expect(parseDateAdded('Added on February 30, 2026')).toBeNull();
  });

  it('bounds scores to their scales', () => {
    expect(parseGpa('GPA 4.00')).toBe(4);
    expect(parseGpa('3.7')).toBe(3.7);
    expect(parseGpa(3.456)).toBe(3.46);
    expect(parseGpa('GPA 0.00')).toBeNull();
    expect(parseGpa('GPA 9.20')).toBeNull();
    expect(parseGpa('GPA n/a')).toBeNull();
    expect(parseGreAw('GRE AW 6.00')).toBe(6);
    expect(parseGreAw('GRE AW 0')).toBe(0);
    expect(parseGreAw('GRE AW 6.5')).toBeNull();
  });

  it('decodes entities in comments and caps their length', () => {
    expect(cleanComments('A &lt;b&gt; &quot;c&quot; &#39;d&#39;')).toBe('A <b> "c" \'d\'');
    expect(cleanComments('   ')).toBeNull();
    expect(cleanComments('x'.repeat(5000))).toHaveLength(2000);
  });
});
