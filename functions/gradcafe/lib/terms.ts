import { SEASONS, type Season } from './model.ts';

/**
 * Admission terms. Canonical form is `<Season> <year>` ("Fall 2025"); applicants also
 * write "fall 2025", "F25", "Fall '25" or "Autumn 2025".
 */
export const TERM_PATTERN = /^(Spring|Summer|Fall) (19|20)\d\d$/;

const SEASON_WORDS: Record<string, Season> = {
  spring: 'Spring',
  s: 'Spring',
  sp: 'Spring',
  summer: 'Summer',
  su: 'Summer',
  fall: 'Fall',
  f: 'Fall',
  autumn: 'Fall',
};

/** Canonical term for a raw value, or null when it cannot be read. */
export function parseTerm(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const match = /^([a-z]+)\s*'?\s*(\d{2}|\d{4})$/i.exec(raw.trim());
  if (!match) return null;
  const season = SEASON_WORDS[match[1]!.toLowerCase()];
  if (!season) return null;
  const digits = match[2]!;
  const year = digits.length === 2 ? 2000 + Number(digits) : Number(digits);
  if (year < 1990 || year > 2099) return null;
  return `${season} ${year}`;
}

/** Sort key for a canonical term: later terms sort higher (Spring < Summer < Fall of a year). */
export function termSortKey(term: string): number {
  const [season, year] = term.split(' ');
  return Number(year) * 10 + SEASONS.indexOf(season as Season);
}

/** The latest of some canonical terms, or null for none. */
export function latestTerm(terms: Iterable<string>): string | null {
  let latest: string | null = null;
  for (const term of terms) {
    if (latest === null || termSortKey(term) > termSortKey(latest)) latest = term;
  }
  return latest;
}
