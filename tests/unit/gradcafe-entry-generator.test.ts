import { describe, expect, it } from 'vitest';
import { readBundledEntries } from '../../functions/gradcafe/lib/bundled-data.ts';
import {
  BUNDLED_COUNT,
  BUNDLED_FIRST_ID,
  BUNDLED_LAST_ID,
  dateAddedFor,
  entryFor,
} from '../../functions/gradcafe/lib/entry-generator.ts';
import { normalizeEntries } from '../../functions/gradcafe/lib/normalize.ts';
import { mulberry32, seedFor } from '../../shared/random.ts';

describe('entryFor', () => {
  it('is a pure function of the id', () => {
    const ids = [1, BUNDLED_FIRST_ID, BUNDLED_LAST_ID, BUNDLED_LAST_ID + 1, 2_000_000];
    const first = ids.map(entryFor);
    // In reverse order, after other calls: generation shares no state between ids.
    const again = [...ids].reverse().map(entryFor).reverse();
    expect(again).toEqual(first);
  });

  it('gives different ids different entries', () => {
    const a = entryFor(BUNDLED_FIRST_ID);
    const b = entryFor(BUNDLED_FIRST_ID + 1);
    expect(a.url).not.toBe(b.url);
    expect(JSON.stringify({ ...a, url: '' })).not.toBe(JSON.stringify({ ...b, url: '' }));
  });

  it('posts entries in id order, through decision season', () => {
    let previous = dateAddedFor(BUNDLED_FIRST_ID);
    for (let id = BUNDLED_FIRST_ID + 1; id <= BUNDLED_LAST_ID + 1000; id += 7) {
      const next = dateAddedFor(id);
      expect(next.getTime()).toBeGreaterThanOrEqual(previous.getTime());
      previous = next;
    }
    expect(dateAddedFor(BUNDLED_FIRST_ID).toISOString().slice(0, 7)).toBe('2018-09');
    expect(dateAddedFor(BUNDLED_LAST_ID).getUTCFullYear()).toBe(2026);
  });

  it('writes the raw text forms the site shows', () => {
    const entries = Array.from({ length: 400 }, (_, i) => entryFor(BUNDLED_LAST_ID - i));
    expect(entries.some((e) => /^GPA \d\.\d\d$/.test(String(e.GPA)))).toBe(true);
    expect(
      entries.some((e) =>
        /^(Accepted|Rejected|Wait listed|Interview) on \d{1,2} [A-Z][a-z]{2}$/.test(String(e.status)),
      ),
    ).toBe(true);
    expect(entries.some((e) => /^Added on [A-Z][a-z]+ \d{1,2}, \d{4}$/.test(String(e.date_added)))).toBe(
      true,
    );
    expect(entries.some((e) => e.GPA === undefined || e.GPA === '')).toBe(true);
    expect(entries.some((e) => e['GRE AW'] === undefined)).toBe(true);
  });

  it('rejects ids that are not positive integers', () => {
    expect(() => entryFor(0)).toThrow(RangeError);
    expect(() => entryFor(1.5)).toThrow(RangeError);
  });
});

describe('the bundled dataset', () => {
  it('is exactly entryFor(first..last), as the generator script writes it', async () => {
    const entries = await readBundledEntries();
    expect(entries).toHaveLength(BUNDLED_COUNT);
    for (const offset of [0, 1, 2_345, BUNDLED_COUNT - 1]) {
      expect(entries[offset]).toEqual(entryFor(BUNDLED_FIRST_ID + offset));
    }
  });

  it('covers the terms Fall 2019 to Fall 2026 with realistic proportions', async () => {
    const { applicants, skipped } = normalizeEntries(await readBundledEntries());
    expect(applicants.length + skipped).toBe(BUNDLED_COUNT);
    const terms = new Set(applicants.map((a) => a.term));
    for (let year = 2019; year <= 2026; year++) expect(terms).toContain(`Fall ${year}`);
    expect([...terms].some((t) => t?.startsWith('Spring'))).toBe(true);
    const accepted = applicants.filter((a) => a.status === 'Accepted').length / applicants.length;
    expect(accepted).toBeGreaterThan(0.25);
    expect(accepted).toBeLessThan(0.5);
    const jhuCsMasters = applicants.filter(
      (a) =>
        a.university === 'Johns Hopkins University' &&
        a.program === 'Computer Science' &&
        a.degree === 'Masters',
    );
    expect(jhuCsMasters.length).toBeGreaterThan(5);
  });
});

describe('mulberry32', () => {
  it('repeats for a seed and spreads over [0, 1)', () => {
    const a = mulberry32(seedFor(42, 1));
    const b = mulberry32(seedFor(42, 1));
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
