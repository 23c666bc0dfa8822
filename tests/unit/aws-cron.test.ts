/**
 * Standard cron → EventBridge cron. Two checks: exact expected strings (the readable spec), and
 * for every supported expression, the same next run times as the original — the AWS form is
 * evaluated by croner in Quartz mode (SUN = 1, `?` allowed), an independent reading of the
 * weekday numbering and the day-of-month / day-of-week rule.
 */
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { AwsCronError, nextRunOf, toAwsCron } from '../../shared/contract/aws-cron.ts';

const CONVERSIONS: [string, string][] = [
  // The project's own schedules (GRADCAFE_PULL_CRON, PRUNE_CRON defaults).
  ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
  ['17 3 * * *', 'cron(17 3 * * ? *)'],
  // Minutes and hours: lists, ranges, steps.
  ['0 * * * *', 'cron(0 * * * ? *)'],
  ['5,35 */2 * * *', 'cron(5,35 0/2 * * ? *)'],
  ['0-30/10 8-18 * * *', 'cron(0,10,20,30 8-18 * * ? *)'],
  ['05 07 * * *', 'cron(5 7 * * ? *)'],
  ['  */15   *  * * * ', 'cron(0/15 * * * ? *)'],
  // Day of month restricted: day-of-week becomes '?'.
  ['0 0 1 * *', 'cron(0 0 1 * ? *)'],
  ['0 0 1,15 * *', 'cron(0 0 1,15 * ? *)'],
  ['0 0 */10 * *', 'cron(0 0 1/10 * ? *)'],
  ['0 0 L * *', 'cron(0 0 L * ? *)'],
  ['0 0 LW * *', 'cron(0 0 LW * ? *)'],
  ['0 0 15W * *', 'cron(0 0 15W * ? *)'],
  ['0 0 1 * ?', 'cron(0 0 1 * ? *)'],
  // Months: numbers, names, steps.
  ['30 2 1 1 *', 'cron(30 2 1 1 ? *)'],
  ['0 0 1 jan-mar *', 'cron(0 0 1 JAN-MAR ? *)'],
  ['0 0 1 */3 *', 'cron(0 0 1 1/3 ? *)'],
  ['0 0 1 1-12/6 *', 'cron(0 0 1 1,7 ? *)'],
  // Day of week restricted: day-of-month becomes '?', weekdays written as names.
  ['0 9 * * 1-5', 'cron(0 9 ? * MON-FRI *)'],
  ['0 9 * * MON-FRI', 'cron(0 9 ? * MON-FRI *)'],
  ['0 9 * * mon-fri', 'cron(0 9 ? * MON-FRI *)'],
  ['0 0 * * 0', 'cron(0 0 ? * SUN *)'],
  ['0 0 * * 7', 'cron(0 0 ? * SUN *)'],
  ['0 0 * * 6,0', 'cron(0 0 ? * SUN,SAT *)'],
  ['0 0 * * 5-7', 'cron(0 0 ? * SUN,FRI,SAT *)'],
  ['0 0 * * 1,3,5', 'cron(0 0 ? * MON,WED,FRI *)'],
  ['0 0 * * 1,3-5', 'cron(0 0 ? * MON,WED-FRI *)'],
  ['0 0 * * */2', 'cron(0 0 ? * SUN,TUE,THU,SAT *)'],
  ['0 0 * * 1-5/2', 'cron(0 0 ? * MON,WED,FRI *)'],
  ['0 0 * * 0-6', 'cron(0 0 ? * SUN-SAT *)'],
  ['0 0 ? * MON', 'cron(0 0 ? * MON *)'],
  ['0 0 * * +MON', 'cron(0 0 ? * MON *)'],
  // nth and last weekday keep AWS numbers (SUN = 1).
  ['0 12 * * 5#2', 'cron(0 12 ? * 6#2 *)'],
  ['0 12 * * FRI#2', 'cron(0 12 ? * 6#2 *)'],
  ['0 12 * * 0#1', 'cron(0 12 ? * 1#1 *)'],
  ['0 12 * * 7#1', 'cron(0 12 ? * 1#1 *)'],
  ['0 12 * * 5#L', 'cron(0 12 ? * 6L *)'],
  ['0 12 * * 5L', 'cron(0 12 ? * 6L *)'],
  // Seconds (must be 0) and year fields.
  ['0 */5 * * * *', 'cron(0/5 * * * ? *)'],
  ['00 30 12 * * MON', 'cron(30 12 ? * MON *)'],
  ['0 0 12 1 1 * 2030', 'cron(0 12 1 1 ? 2030)'],
  ['0 0 12 1 1 * 2030-2032', 'cron(0 12 1 1 ? 2030-2032)'],
];

describe('toAwsCron', () => {
  it.each(CONVERSIONS)('%s → %s', (standard, aws) => {
    expect(toAwsCron(standard)).toBe(aws);
  });

  it('puts ? in exactly one of day-of-month and day-of-week', () => {
    for (const [standard] of CONVERSIONS) {
      const [, , dom, , dow] = fieldsOf(toAwsCron(standard));
      expect(
        [dom, dow].filter((f) => f === '?'),
        standard,
      ).toHaveLength(1);
    }
  });

  it.each(CONVERSIONS)('%s runs at the same times as its AWS form', (standard) => {
    const from = new Date('2025-01-01T00:00:00Z');
    const original = new Cron(standard, { timezone: 'UTC', paused: true }).nextRuns(60, from);
    const aws = new Cron(asQuartz(toAwsCron(standard)), {
      timezone: 'UTC',
      paused: true,
      alternativeWeekdays: true,
    }).nextRuns(60, from);
    expect(original.length).toBeGreaterThan(0);
    expect(aws.map((d) => d.toISOString())).toEqual(original.map((d) => d.toISOString()));
  });

  it.each([
    ['0 0 1 * MON', /both day-of-month and day-of-week/],
    ['0 0 1 * +MON', /day-of-month AND day-of-week/],
    ['0 0 1-7 * 1-5', /both day-of-month and day-of-week/],
    ['*/15 * * * * *', /second '\*\/15'/],
    ['30 * * * * *', /second '30'/],
    ['0 0 * * 1-5#2', /one nth \(#\) or last \(L\) weekday/],
    ['0 0 * * 1#2,3#2', /one nth \(#\) or last \(L\) weekday/],
    ['0 0 0 1 1 * 1969', /year 1969 is outside 1970-2199/],
    ['0 0 0 1 1 * */2', /stepped year/],
    ['61 * * * *', /cannot be an EventBridge schedule/],
    ['* * *', /has 3 fields/],
    ['every day', /has 2 fields/],
    ['', /has 1 fields/],
  ])('refuses %s', (standard, reason) => {
    expect(() => toAwsCron(standard)).toThrow(AwsCronError);
    expect(() => toAwsCron(standard)).toThrow(reason);
  });

  it('names the expression in its error', () => {
    expect(() => toAwsCron('0 0 1 * MON')).toThrow("cron '0 0 1 * MON' cannot be an EventBridge schedule");
  });
});

function fieldsOf(aws: string): string[] {
  const inner = /^cron\((.*)\)$/.exec(aws)?.[1];
  if (inner === undefined) throw new Error(`not an AWS cron: ${aws}`);
  const fields = inner.split(' ');
  expect(fields).toHaveLength(6);
  return fields;
}

/**
 * An AWS cron as croner reads Quartz-style patterns: a seconds field in front, `a/n` spelled
 * `a-<max>/n` (croner wants a range before a step), `6L` spelled `6#L`.
 */
function asQuartz(aws: string): string {
  const max = [59, 23, 31, 12, 7, 2199];
  const fields = fieldsOf(aws).map((field, i) =>
    field
      .replace(/^(\d+)\/(\d+)$/, (_m, start: string, step: string) => `${start}-${max[i]}/${step}`)
      .replace(/^(\d)L$/, '$1#L'),
  );
  return ['0', ...fields].join(' ');
}

describe('nextRunOf', () => {
  it('is the next time the cron fires after the given one, in UTC', () => {
    expect(nextRunOf('0 * * * *', new Date('2026-12-05T10:20:00Z'))).toBe('2026-12-05T11:00:00.000Z');
    expect(nextRunOf('30 5 * * MON', new Date('2026-12-05T10:20:00Z'))).toBe('2026-12-07T05:30:00.000Z');
  });
});
