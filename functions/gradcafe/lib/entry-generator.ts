import { entryUrl, type Degree, type RawEntry, type Status } from './model.ts';
import {
  chance,
  intBetween,
  mulberry32,
  normalBetween,
  pick,
  seedFor,
  weighted,
  type Random,
} from '../../../shared/random.ts';
import { COMMENT_PHRASES, DEGREE_SPELLINGS, PROGRAMS, UNIVERSITIES, type Named } from './vocabulary.ts';

/**
 * Deterministic sample GradCafe entries. `entryFor(id)` is a pure function of the id: the
 * bundled dataset is `entryFor(BUNDLED_FIRST_ID .. BUNDLED_LAST_ID)` and the feed emulator
 * releases the ids after it, so both agree without sharing state.
 *
 * Entries come in the raw, messy text the site shows ("GPA 3.85", "Accepted on 14 Mar",
 * "JHU", "Ph.D.") so the normalizer has real work to do.
 *
 * @example
 *   entryFor(900001); // { url: 'https://www.thegradcafe.com/survey/result/900001', GPA: 'GPA 3.71', ... }
 */
export const BUNDLED_FIRST_ID = 900_001;
export const BUNDLED_COUNT = 6_000;
export const BUNDLED_LAST_ID = BUNDLED_FIRST_ID + BUNDLED_COUNT - 1;

/** Entries per application cycle (September to August); cycle 0 starts September 2018. */
const ENTRIES_PER_CYCLE = 800;
const FIRST_CYCLE_YEAR = 2018;
/** Share of a cycle's posts by month, September first: results cluster in Feb–Apr. */
const MONTH_WEIGHTS = [2, 4, 7, 9, 14, 18, 20, 14, 6, 2, 2, 2] as const;
/** The site dropped "via E-mail ... 2020" status text and the GRE went optional around 2021. */
const MODERN_SITE_YEAR = 2021;
/** Changing this reshuffles every generated entry; the committed dataset must then be regenerated. */
const SALT = 0x6a7c_afe5;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export function entryFor(id: number): RawEntry {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new RangeError(`entryFor: id must be a positive integer, got ${id}`);
  const random = mulberry32(seedFor(id, SALT));
  const added = dateAddedFor(id);
  const cycleYear = added.getUTCMonth() >= 8 ? added.getUTCFullYear() : added.getUTCFullYear() - 1;
  const modern = cycleYear + 1 >= MODERN_SITE_YEAR;

  const university = pickNamed(random, UNIVERSITIES);
  const program = pickNamed(random, PROGRAMS);
  const degree = weighted(random, program.degrees);
  const status = weighted<Status>(random, [
    ['Accepted', 36],
    ['Rejected', 38],
    ['Wait listed', 9],
    ['Interview', 13],
    ['Other', 4],
  ]);
  const decided = new Date(added.getTime() - intBetween(random, 0, 10) * 86_400_000);
  const entry: RawEntry = {
    url: chance(random, 0.002)
      ? pick(random, ['', 'https://www.thegradcafe.com/survey/result/', 'n/a'])
      : entryUrl(id),
    school: messyName(random, university),
    program: messyName(random, program),
    Degree: degreeText(random, degree),
    term: termText(random, cycleYear, added),
    status: statusText(random, status, decided, modern),
    date_added: chance(random, 0.01)
      ? ''
      : `Added on ${MONTHS[added.getUTCMonth()]} ${added.getUTCDate()}, ${added.getUTCFullYear()}`,
    'US/International': citizenshipText(random),
  };
  const gpa = gpaText(random, status);
  if (gpa !== undefined) entry.GPA = gpa;
  Object.assign(entry, greFields(random, program.greHeavy, modern));
  const comments = commentText(random);
  if (comments !== undefined) entry.comments = comments;
  return entry;
}

/** When entry `id` was posted: monotone in the id, clustered in decision season. */
export function dateAddedFor(id: number): Date {
  const index = id - BUNDLED_FIRST_ID;
  const cycle = Math.floor(index / ENTRIES_PER_CYCLE);
  const position = (index - cycle * ENTRIES_PER_CYCLE + 0.5) / ENTRIES_PER_CYCLE;
  const total = MONTH_WEIGHTS.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let m = 0; m < MONTH_WEIGHTS.length; m++) {
    const share = (MONTH_WEIGHTS[m] as number) / total;
    if (position < before + share || m === MONTH_WEIGHTS.length - 1) {
      const year = FIRST_CYCLE_YEAR + cycle + (m >= 4 ? 1 : 0);
      const month = (m + 8) % 12;
      const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      const day = 1 + Math.min(days - 1, Math.floor(((position - before) / share) * days));
      return new Date(Date.UTC(year, month, day));
    }
    before += share;
  }
  throw new Error('unreachable: month weights cover the whole cycle');
}

function pickNamed<T extends Named>(random: Random, items: readonly T[]): T {
  return weighted(
    random,
    items.map((item) => [item, item.weight] as const),
  );
}

function messyName(random: Random, named: Named): string {
  const roll = random();
  if (roll < 0.1 && named.aliases.length > 0) return pick(random, named.aliases);
  if (roll < 0.14) return named.name.toLowerCase();
  if (roll < 0.17) return `  ${named.name.replace(/ /g, '  ')} `;
  return named.name;
}

function degreeText(random: Random, degree: Degree): string {
  const spellings = DEGREE_SPELLINGS[degree];
  return chance(random, 0.12) ? pick(random, spellings) : spellings[0]!;
}

function termText(random: Random, cycleYear: number, added: Date): string {
  const autumnPost = added.getUTCMonth() >= 8;
  const season = autumnPost && chance(random, 0.35) ? 'Spring' : 'Fall';
  const year = cycleYear + 1;
  const roll = random();
  if (roll < 0.01) return '';
  if (roll < 0.04) return `${season.toLowerCase()} ${year}`;
  if (roll < 0.07) return `${season[0]}${String(year).slice(2)}`;
  if (roll < 0.09) return ` ${season}  ${year} `;
  return `${season} ${year}`;
}

const SHORT_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

function statusText(random: Random, status: Status, decided: Date, modern: boolean): string {
  if (status === 'Other' && chance(random, 0.5)) return 'Other';
  let day = `${decided.getUTCDate()} ${SHORT_MONTHS[decided.getUTCMonth()]}`;
  if (chance(random, 0.005)) day = '31 Feb';
  const text = modern
    ? `${status} on ${day}`
    : `${status} via ${pick(random, ['E-mail', 'Website', 'Phone', 'Postal Service'])} on ${day} ${decided.getUTCFullYear()}`;
  return chance(random, 0.03) ? ` ${text.toLowerCase()}` : text;
}

function citizenshipText(random: Random): string {
  const value = weighted(random, [
    ['American', 50],
    ['International', 44],
    ['Other', 6],
  ] as const);
  const roll = random();
  if (roll < 0.01) return '';
  if (roll < 0.03) return value === 'American' ? 'US' : value === 'International' ? 'Intl' : 'other';
  if (roll < 0.05) return value.toLowerCase();
  return value;
}

function gpaText(random: Random, status: Status): string | undefined {
  if (!chance(random, 0.75)) return chance(random, 0.5) ? '' : undefined;
  if (chance(random, 0.02)) return pick(random, ['GPA 0.00', 'GPA 87.5', 'GPA 9.20', 'GPA n/a']);
  const mean = status === 'Accepted' ? 3.7 : 3.58;
  const gpa = normalBetween(random, mean, 0.24, 2.3, 4);
  return chance(random, 0.1) ? gpa.toFixed(2) : `GPA ${gpa.toFixed(2)}`;
}

function greFields(random: Random, greHeavy: boolean, modern: boolean): RawEntry {
  const reportRate = greHeavy ? (modern ? 0.35 : 0.75) : modern ? 0.1 : 0.25;
  if (!chance(random, reportRate)) return {};
  const fields: RawEntry = {};
  const quant = Math.round(normalBetween(random, greHeavy ? 163 : 155, 5.5, 130, 170));
  fields.GRE = chance(random, 0.02) ? pick(random, ['GRE 0', 'GRE 325', 'GRE 171']) : `GRE ${quant}`;
  fields['GRE V'] = `GRE V ${Math.round(normalBetween(random, 156, 6, 130, 170))}`;
  if (chance(random, 0.85)) {
    const aw = Math.round(normalBetween(random, 4.3, 0.6, 2, 6) * 2) / 2;
    fields['GRE AW'] = chance(random, 0.01) ? 'GRE AW 4.25' : `GRE AW ${aw.toFixed(2)}`;
  }
  return fields;
}

function commentText(random: Random): string | undefined {
  if (!chance(random, 0.45)) return undefined;
  const count = chance(random, 0.3) ? 2 : 1;
  const phrases = Array.from({ length: count }, () => pick(random, COMMENT_PHRASES));
  const text = phrases.join(chance(random, 0.1) ? '\n\n  ' : ' ');
  return chance(random, 0.2) ? text.replace(/&/g, '&amp;') : text;
}
