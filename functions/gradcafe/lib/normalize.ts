import {
  entryUrl,
  type Applicant,
  type Citizenship,
  type Degree,
  type RawEntry,
  type Status,
} from './model.ts';
import { parseTerm } from './terms.ts';
import { DEGREE_SPELLINGS, PROGRAMS, UNIVERSITIES, type Named } from './vocabulary.ts';

/**
 * Turns raw feed entries into `Applicant` rows. Pure and total: a messy field becomes null,
 * never an exception; only an entry without a usable url/id is skipped (and counted), since
 * the url is what makes an entry unique. Every non-null value satisfies the table's check
 * constraints, so one odd entry can never fail a whole batch insert.
 *
 * @example
 *   normalizeEntry({ url: 'https://www.thegradcafe.com/survey/result/42', GPA: 'GPA 3.85' });
 *   // { ok: true, applicant: { id: 42, gpa: 3.85, gre: null, ... } }
 */
export type NormalizeResult = { ok: true; applicant: Applicant } | { ok: false; reason: string };

export interface NormalizedBatch {
  applicants: Applicant[];
  /** Entries dropped because their url/id was unusable (or repeated within the batch). */
  skipped: number;
}

const MAX_TEXT = 200;
const MAX_COMMENTS = 2000;

export function normalizeEntries(entries: readonly unknown[]): NormalizedBatch {
  const byId = new Map<number, Applicant>();
  let skipped = 0;
  for (const entry of entries) {
    const result = normalizeEntry(entry);
    if (!result.ok || byId.has(result.applicant.id)) skipped++;
    else byId.set(result.applicant.id, result.applicant);
  }
  return { applicants: [...byId.values()], skipped };
}

export function normalizeEntry(entry: unknown): NormalizeResult {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { ok: false, reason: 'entry is not an object' };
  }
  const raw = entry as RawEntry;
  const id = entryIdFromUrl(raw.url);
  if (id === null) return { ok: false, reason: 'url does not name a GradCafe result' };
  const dateAdded = parseDateAdded(raw.date_added);
  const { status, decisionDate } = parseStatus(raw.status, dateAdded);
  return {
    ok: true,
    applicant: {
      id,
      url: entryUrl(id),
      program: canonicalName(raw.program, PROGRAM_NAMES),
      university: canonicalName(raw.school ?? raw.university, UNIVERSITY_NAMES),
      degree: parseDegree(raw.Degree ?? raw.degree),
      term: parseTerm(raw.term),
      status,
      decisionDate,
      dateAdded,
      citizenship: parseCitizenship(raw['US/International']),
      gpa: parseGpa(raw.GPA),
      gre: parseGreSection(raw.GRE, /^(?:gre\s*q?)?/i),
      greV: parseGreSection(raw['GRE V'], /^(?:gre\s*v)?/i),
      greAw: parseGreAw(raw['GRE AW']),
      comments: cleanComments(raw.comments),
    },
  };
}

/** The entry id in a GradCafe result url, or null. */
export function entryIdFromUrl(url: unknown): number | null {
  if (typeof url !== 'string') return null;
  const match = /^https?:\/\/(?:www\.)?thegradcafe\.com\/survey\/result\/(\d{1,15})\/?(?:[?#].*)?$/i.exec(
    url.trim(),
  );
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

const MONTH_INDEX: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

function monthIndex(name: string): number | undefined {
  return MONTH_INDEX[name.slice(0, 3).toLowerCase()];
}

/** YYYY-MM-DD for a real calendar date, else null (31 Feb is not a date). */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day)
    return null;
  return date.toISOString().slice(0, 10);
}

/** "Added on March 31, 2025", "March 31, 2025" or "2025-03-31" → "2025-03-31". */
export function parseDateAdded(raw: unknown): string | null {
  const text = asText(raw)?.replace(/^added\s+on\s+/i, '');
  if (!text) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
  const written = /^([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/i.exec(text);
  if (!written) return null;
  const month = monthIndex(written[1]!);
  return month === undefined ? null : isoDate(Number(written[3]), month, Number(written[2]));
}

const STATUS_WORDS: Record<string, Status> = {
  accepted: 'Accepted',
  rejected: 'Rejected',
  'wait listed': 'Wait listed',
  waitlisted: 'Wait listed',
  interview: 'Interview',
  other: 'Other',
};

/**
 * "Accepted on 14 Mar" / "Rejected via E-mail on 3 Feb 2020" → status and decision date.
 * Without a year the decision is taken to be the latest such day on or before the date the
 * entry was added (results are posted after the decision).
 */
export function parseStatus(
  raw: unknown,
  dateAdded: string | null,
): { status: Status | null; decisionDate: string | null } {
  const text = asText(raw);
  const match = text
    ? /^(accepted|rejected|wait\s*listed|interview|other)(?:\s+via\s+[a-z -]+?)?(?:\s+on\s+(\d{1,2})\s+([a-z]{3,9})\.?(?:,?\s+(\d{4}))?)?$/i.exec(
        text,
      )
    : null;
  if (!match) return { status: null, decisionDate: null };
  const status = STATUS_WORDS[match[1]!.toLowerCase().replace(/\s+/g, ' ')] ?? null;
  const month = match[3] === undefined ? undefined : monthIndex(match[3]);
  if (match[2] === undefined || month === undefined) return { status, decisionDate: null };
  const day = Number(match[2]);
  if (match[4] !== undefined) return { status, decisionDate: isoDate(Number(match[4]), month, day) };
  if (dateAdded === null) return { status, decisionDate: null };
  const addedYear = Number(dateAdded.slice(0, 4));
  const sameYear = isoDate(addedYear, month, day);
  const decisionDate =
    sameYear !== null && sameYear <= dateAdded ? sameYear : isoDate(addedYear - 1, month, day);
  return { status, decisionDate };
}

/** The number in "GPA 3.85", "3.85" or 3.85. */
function labelledNumber(raw: unknown, label: RegExp): number | null {
  const text = asText(raw);
  if (!text) return null;
  const rest = text.replace(label, '').replace(/^\s*:?\s*/, '');
  if (!/^\d{1,3}(?:\.\d{1,3})?$/.test(rest)) return null;
  return Number(rest);
}

/** GPA on the 4-point scale; 0, percentages and 10-point scales are not comparable → null. */
export function parseGpa(raw: unknown): number | null {
  const gpa = labelledNumber(raw, /^gpa/i);
  if (gpa === null || gpa <= 0 || gpa > 4) return null;
  return Math.round(gpa * 100) / 100;
}

/** A GRE section score (130–170); old-scale totals like 325 → null. */
export function parseGreSection(raw: unknown, label: RegExp): number | null {
  const score = labelledNumber(raw, label);
  return score !== null && Number.isInteger(score) && score >= 130 && score <= 170 ? score : null;
}

/** GRE analytical writing, 0–6 in half points. */
export function parseGreAw(raw: unknown): number | null {
  const score = labelledNumber(raw, /^gre\s*aw/i);
  return score !== null && score >= 0 && score <= 6 && Number.isInteger(score * 2) ? score : null;
}

const CITIZENSHIP_WORDS: Record<string, Citizenship> = {
  american: 'American',
  us: 'American',
  'u.s.': 'American',
  domestic: 'American',
  international: 'International',
  intl: 'International',
  "int'l": 'International',
  other: 'Other',
};

export function parseCitizenship(raw: unknown): Citizenship | null {
  const text = asText(raw);
  return text ? (CITIZENSHIP_WORDS[text.toLowerCase()] ?? null) : null;
}

const DEGREE_WORDS = new Map<string, Degree>(
  Object.entries(DEGREE_SPELLINGS).flatMap(([degree, spellings]) =>
    spellings.map((spelling) => [spelling.toLowerCase(), degree as Degree] as const),
  ),
);

export function parseDegree(raw: unknown): Degree | null {
  const text = asText(raw);
  return text ? (DEGREE_WORDS.get(text.toLowerCase()) ?? null) : null;
}

function nameIndex(names: readonly Named[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const { name, aliases } of names) {
    for (const spelling of [name, ...aliases]) index.set(spelling.toLowerCase(), name);
  }
  return index;
}

const UNIVERSITY_NAMES = nameIndex(UNIVERSITIES);
const PROGRAM_NAMES = nameIndex(PROGRAMS);

/** A known school/program in its canonical spelling; an unknown one tidied but kept. */
export function canonicalName(raw: unknown, known: ReadonlyMap<string, string>): string | null {
  const text = asText(raw);
  if (!text) return null;
  return known.get(text.toLowerCase()) ?? text.slice(0, MAX_TEXT);
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
};

/** Comments as plain text: entities decoded, whitespace collapsed, length capped. */
export function cleanComments(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, MAX_COMMENTS) : null;
}

/** Trimmed text with inner whitespace collapsed; numbers become text; anything else null. */
function asText(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') return null;
  const text = raw.replace(/\s+/g, ' ').trim();
  return text || null;
}
